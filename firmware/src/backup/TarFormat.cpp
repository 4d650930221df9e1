#include "backup/TarFormat.h"

#include <cstring>
#include <sstream>

namespace mg::backup {
namespace {

void octal(char* field, size_t width, uint64_t value) {
  // width-1 octal digits, zero padded, then NUL.
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

bool parseOctal(const char* field, size_t width, uint64_t& out) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool digits = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v >> 60) return false;
    v = (v << 3) | static_cast<uint64_t>(field[i] - '0');
    digits = true;
  }
  for (; i < width; ++i) {
    if (field[i] != '\0' && field[i] != ' ') return false;
  }
  out = v;
  return digits;
}

unsigned checksum(const char* block) {
  unsigned sum = 0;
  for (size_t i = 0; i < kTarBlock; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return sum;
}

}  // namespace

bool safeArchiveName(const std::string& name) {
  if (name.empty() || name.size() > 100 || name.front() == '/' || name.back() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    const size_t slash = name.find('/', start);
    const std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  for (unsigned char c : name) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string TarReader::header(const TarEntry& e) {
  std::string block(kTarBlock, '\0');
  std::memcpy(&block[0], e.name.data(), e.name.size());
  octal(&block[100], 8, 0600);
  octal(&block[108], 8, 0);
  octal(&block[116], 8, 0);
  octal(&block[124], 12, e.size);
  octal(&block[136], 12, static_cast<uint64_t>(e.mtime < 0 ? 0 : e.mtime));
  block[156] = '0';
  std::memcpy(&block[257], "ustar", 6);
  std::memcpy(&block[263], "00", 2);
  std::memcpy(&block[265], "mailgate", 8);
  std::memcpy(&block[297], "mailgate", 8);
  const unsigned sum = checksum(block.data());
  octal(&block[148], 7, sum);
  block[155] = ' ';
  return block;
}

common::Result<std::optional<TarEntry>> TarReader::parseHeader(const char* b) {
  using R = common::Result<std::optional<TarEntry>>;
  bool zero = true;
  for (size_t i = 0; i < kTarBlock && zero; ++i) zero = b[i] == '\0';
  if (zero) return std::optional<TarEntry>();
  if (std::memcmp(b + 257, "ustar", 5) != 0) return R::error("not a ustar archive");
  uint64_t sum = 0;
  if (!parseOctal(b + 148, 8, sum) || sum != checksum(b)) return R::error("damaged archive header (checksum)");
  if (b[156] != '0' && b[156] != '\0') return R::error("archive entry is not a regular file");
  if (b[345] != '\0') return R::error("archive entry name uses a prefix");  // ours never do
  TarEntry e;
  e.name.assign(b, strnlen(b, 100));
  if (!safeArchiveName(e.name)) return R::error("unsafe archive entry name");
  uint64_t mtime = 0;
  if (!parseOctal(b + 124, 12, e.size) || !parseOctal(b + 136, 12, mtime)) return R::error("damaged archive header");
  e.mtime = static_cast<int64_t>(mtime);
  return std::optional<TarEntry>(e);
}

common::Status TarReader::readBlock(char* into, size_t n) {
  in_.read(into, static_cast<std::streamsize>(n));
  if (static_cast<size_t>(in_.gcount()) != n) return common::Status::error("archive is truncated");
  return common::Status::success();
}

common::Result<std::optional<TarEntry>> TarReader::next() {
  char block[kTarBlock];
  if (auto st = readBlock(block, kTarBlock); !st.ok()) return st;
  return parseHeader(block);
}

common::Status TarWriter::add(const TarEntry& entry, std::istream& content) {
  if (!safeArchiveName(entry.name)) return common::Status::error("archive name '" + entry.name + "' does not fit");
  const std::string h = TarReader::header(entry);
  out_.write(h.data(), static_cast<std::streamsize>(h.size()));
  char buf[64 * 1024];
  uint64_t left = entry.size;
  while (left > 0) {
    const size_t n = left < sizeof buf ? static_cast<size_t>(left) : sizeof buf;
    content.read(buf, static_cast<std::streamsize>(n));
    if (static_cast<size_t>(content.gcount()) != n) return common::Status::error(entry.name + ": changed while archived");
    out_.write(buf, static_cast<std::streamsize>(n));
    left -= n;
  }
  static const char kZeros[kTarBlock] = {};
  const size_t pad = static_cast<size_t>((kTarBlock - entry.size % kTarBlock) % kTarBlock);
  out_.write(kZeros, static_cast<std::streamsize>(pad));
  if (!out_) return common::Status::error("writing the archive failed");
  return common::Status::success();
}

common::Status TarWriter::addText(const std::string& name, const std::string& text, int64_t mtime) {
  std::istringstream in(text);
  return add({name, text.size(), mtime}, in);
}

common::Status TarWriter::finish() {
  static const char kZeros[2 * kTarBlock] = {};
  out_.write(kZeros, sizeof kZeros);
  out_.flush();
  if (!out_) return common::Status::error("writing the archive failed");
  return common::Status::success();
}

}  // namespace mg::backup
