#include "backup/BackupArchive.h"

#include <Poco/DeflatingStream.h>
#include <Poco/DigestEngine.h>
#include <Poco/InflatingStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/SHA2Engine.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "backup/TarFormat.h"

namespace fs = std::filesystem;

namespace mg::backup {
namespace {

class Hasher {
 public:
  void update(const char* p, size_t n) { engine_.update(p, static_cast<unsigned>(n)); }
  std::string hex() { return Poco::DigestEngine::digestToHex(engine_.digest()); }

 private:
  Poco::SHA2Engine engine_{Poco::SHA2Engine::SHA_256};
};

// An istream over a file that hashes what is read through it.
common::Status addFile(TarWriter& tar, const std::string& path, const std::string& name, ArchiveFile& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::Status::error("cannot read " + path + ": " + std::strerror(errno));
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return common::Status::error("cannot read " + path + ": " + ec.message());
  // Hash first, then archive the same bytes: the file is not written while we read (the
  // database copy is ours; spool files never change once renamed into place).
  Hasher h;
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) h.update(buf, static_cast<size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  out.name = name;
  out.size = size;
  out.sha256 = h.hex();
  return tar.add({name, size, static_cast<int64_t>(::time(nullptr))}, in);
}

common::Status writeAllFd(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return common::Status::error("write " + path + ": " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return common::Status::success();
}

}  // namespace

std::string Manifest::toJson() const {
  Poco::JSON::Object o;
  o.set("format", "mailgate-backup");
  o.set("format_version", format);
  o.set("mailgate_version", mailgateVersion);
  o.set("created_at", static_cast<Poco::Int64>(createdAt));
  o.set("reason", reason);
  o.set("schema_version", schemaVersion);
  o.set("messages", static_cast<Poco::Int64>(messages));
  o.set("open_messages", static_cast<Poco::Int64>(openMessages));
  o.set("held", static_cast<Poco::Int64>(held));
  Poco::JSON::Array::Ptr missing = new Poco::JSON::Array;
  for (const auto& m : missingSpool) missing->add(m);
  o.set("missing_spool", missing);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& f : files) {
    Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
    e->set("name", f.name);
    e->set("size", static_cast<Poco::UInt64>(f.size));
    e->set("sha256", f.sha256);
    list->add(e);
  }
  o.set("files", list);
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(o, out, 1);
  return out.str();
}

common::Result<Manifest> Manifest::fromJson(const std::string& text) {
  using R = common::Result<Manifest>;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    if (!o || o->optValue<std::string>("format", "") != "mailgate-backup") return R::error("not a mailgate backup manifest");
    Manifest m;
    m.format = o->optValue<int>("format_version", 0);
    if (m.format != 1) return R::error("backup format " + std::to_string(m.format) + " is not known to this mailgate");
    m.mailgateVersion = o->optValue<std::string>("mailgate_version", "");
    m.createdAt = o->optValue<Poco::Int64>("created_at", 0);
    m.reason = o->optValue<std::string>("reason", "");
    m.schemaVersion = o->optValue<int>("schema_version", 0);
    m.messages = o->optValue<Poco::Int64>("messages", 0);
    m.openMessages = o->optValue<Poco::Int64>("open_messages", 0);
    m.held = o->optValue<Poco::Int64>("held", 0);
    if (auto a = o->getArray("missing_spool")) {
      for (size_t i = 0; i < a->size(); ++i) m.missingSpool.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
    }
    auto files = o->getArray("files");
    if (!files) return R::error("backup manifest lists no files");
    for (size_t i = 0; i < files->size(); ++i) {
      auto e = files->getObject(static_cast<unsigned>(i));
      if (!e) return R::error("backup manifest: a file entry is not an object");
      ArchiveFile f;
      f.name = e->optValue<std::string>("name", "");
      f.size = e->optValue<Poco::UInt64>("size", 0);
      f.sha256 = e->optValue<std::string>("sha256", "");
      if (!safeArchiveName(f.name) || f.sha256.size() != 64) return R::error("backup manifest: a file entry is malformed");
      m.files.push_back(std::move(f));
    }
    return m;
  } catch (const Poco::Exception& e) {
    return R::error("backup manifest is not valid JSON: " + e.displayText());
  }
}

common::Result<Manifest> BackupArchive::write(const std::string& target, const std::string& databaseCopy,
                                              const std::string& spoolDir, const std::vector<std::string>& spoolNames,
                                              Manifest manifest) {
  using R = common::Result<Manifest>;
  std::ofstream file(target, std::ios::binary | std::ios::trunc);
  if (!file) return R::error("cannot create " + target + ": " + std::strerror(errno));
  {
    Poco::DeflatingOutputStream gz(file, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
    TarWriter tar(gz);
    ArchiveFile db;
    if (auto st = addFile(tar, databaseCopy, kDatabaseName, db); !st.ok()) return st;
    manifest.files.push_back(db);
    for (const auto& name : spoolNames) {
      const std::string path = spoolDir + "/" + name;
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) {
        manifest.missingSpool.push_back(name);
        continue;
      }
      ArchiveFile f;
      if (auto st = addFile(tar, path, kSpoolPrefix + name, f); !st.ok()) return st;
      manifest.files.push_back(f);
    }
    if (auto st = tar.addText(kManifestName, manifest.toJson(), manifest.createdAt / 1000); !st.ok()) return st;
    if (auto st = tar.finish(); !st.ok()) return st;
    gz.close();
  }
  file.close();
  if (!file) return R::error("writing " + target + " failed (disk full?)");
  // Durable before it is renamed into place (the caller fsyncs the directory after).
  const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return R::error("fsync " + target + ": " + why);
  }
  ::close(fd);
  return manifest;
}

common::Result<Manifest> BackupArchive::read(const std::string& path, const std::optional<std::string>& extractTo,
                                             const ArchiveLimits& limits) {
  using R = common::Result<Manifest>;
  std::ifstream file(path, std::ios::binary);
  if (!file) return R::error("cannot open " + path + ": " + std::strerror(errno));
  try {
    Poco::InflatingInputStream gz(file, Poco::InflatingStreamBuf::STREAM_GZIP);
    TarReader tar(gz);
    std::map<std::string, ArchiveFile> seen;
    std::optional<Manifest> manifest;
    for (uint64_t count = 0;; ++count) {
      if (count > limits.maxEntries) return R::error(path + ": too many entries for a mailgate backup");
      auto next = tar.next();
      if (!next) return next.status().withContext(path);
      if (!next.value()) break;
      const TarEntry e = *next.value();
      if (manifest) return R::error(path + ": an entry follows the manifest");
      if (e.name == kManifestName) {
        if (e.size > limits.maxManifestBytes) return R::error(path + ": the manifest is too large");
        std::string text;
        text.reserve(static_cast<size_t>(e.size));
        if (auto st = tar.read(e, [&](const char* p, size_t n) {
              text.append(p, n);
              return common::Status::success();
            });
            !st.ok()) {
          return st.withContext(path);
        }
        auto m = Manifest::fromJson(text);
        if (!m) return m.status().withContext(path);
        manifest = std::move(m).value();
        continue;
      }
      // Only what a backup holds: the database and spool message files (no markers, no tmp/).
      const bool isSpool = e.name.rfind(kSpoolPrefix, 0) == 0 && e.name.find('/', 6) == std::string::npos &&
                           e.name.size() > 10 && e.name.compare(e.name.size() - 4, 4, ".msg") == 0;
      if (e.name != kDatabaseName && !isSpool) return R::error(path + ": unexpected entry " + e.name);
      if (e.size > limits.maxFileBytes) return R::error(path + ": entry " + e.name + " is too large");
      if (seen.count(e.name)) return R::error(path + ": entry " + e.name + " appears twice");
      int fd = -1;
      std::string outPath;
      if (extractTo) {
        outPath = *extractTo + "/" + e.name;
        std::error_code ec;
        fs::create_directories(fs::path(outPath).parent_path(), ec);
        fd = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) return R::error("create " + outPath + ": " + std::strerror(errno));
      }
      Hasher h;
      auto st = tar.read(e, [&](const char* p, size_t n) {
        h.update(p, n);
        return fd >= 0 ? writeAllFd(fd, p, n, outPath) : common::Status::success();
      });
      if (fd >= 0) {
        if (st.ok() && ::fsync(fd) != 0) st = common::Status::error("fsync " + outPath + ": " + std::strerror(errno));
        ::close(fd);
      }
      if (!st.ok()) return st.withContext(path);
      seen[e.name] = {e.name, e.size, h.hex()};
    }
    if (!manifest) return R::error(path + ": no manifest (an incomplete or foreign archive)");
    std::set<std::string> listed;
    for (const auto& f : manifest->files) {
      if (!listed.insert(f.name).second) return R::error(path + ": the manifest lists " + f.name + " twice");
    }
    if (manifest->files.size() != seen.size()) return R::error(path + ": the manifest and the archive list different files");
    for (const auto& f : manifest->files) {
      auto it = seen.find(f.name);
      if (it == seen.end()) return R::error(path + ": " + f.name + " is in the manifest but not in the archive");
      if (it->second.size != f.size || it->second.sha256 != f.sha256) {
        return R::error(path + ": " + f.name + " does not match its hash in the manifest (damaged)");
      }
    }
    if (!seen.count(kDatabaseName)) return R::error(path + ": no database in the archive");
    return std::move(*manifest);
  } catch (const Poco::Exception& e) {
    return R::error(path + ": damaged archive (" + e.displayText() + ")");
  } catch (const std::exception& e) {
    // zlib's complaints about damaged data arrive as exceptions from the stream.
    return R::error(path + ": damaged archive (" + std::string(e.what()) + ")");
  }
}

}  // namespace mg::backup
