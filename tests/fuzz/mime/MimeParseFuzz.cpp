// libFuzzer entry: any bytes through parseMessage and, when they parse, editMessage and a
// diff of the two versions. Crashes, leaks, UB and an edit that does not read back are findings;
// so is parseMessageFile (intake's parse, from the spool file) saying anything else of the
// same bytes than parseMessage does.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "mime/MessageEditor.h"
#include "mime/MessageParser.h"
#include "mime/UnifiedDiff.h"

namespace {
// What the editor writes for a Subject: line breaks and NULs become blanks (no header can be
// injected), and the value is read back without the whitespace at its ends (RFC 5322 unfolding).
std::string asWritten(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return s;
}

// parseMessageFile on the bytes behind a spool-like header, in a scratch file of this input
// (made and removed the way the backup_archive target does).
mg::common::Result<mg::mime::MessageSummary> parseAsFile(std::string_view header, std::string_view raw) {
  std::string path = (std::filesystem::temp_directory_path() / "mg-fuzz-mime-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) std::abort();  // no scratch file: the property cannot be checked
  const std::string bytes = std::string(header) + std::string(raw);
  const bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  if (!written) std::abort();
  auto parsed = mg::mime::parseMessageFile(path, header.size());
  ::unlink(path.c_str());
  return parsed;
}

bool sameSummary(const mg::mime::MessageSummary& a, const mg::mime::MessageSummary& b) {
  if (a.attachments.size() != b.attachments.size()) return false;
  for (size_t i = 0; i < a.attachments.size(); ++i) {
    if (a.attachments[i].filename != b.attachments[i].filename ||
        a.attachments[i].contentType != b.attachments[i].contentType || a.attachments[i].size != b.attachments[i].size) {
      return false;
    }
  }
  return a.messageId == b.messageId && a.from == b.from && a.to == b.to && a.cc == b.cc && a.subject == b.subject &&
         a.date == b.date && a.headers == b.headers && a.text == b.text && a.textTruncated == b.textTruncated &&
         a.htmlPresent == b.htmlPresent && a.limitNotes == b.limitNotes && a.hiddenParts == b.hiddenParts;
}

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto summary = mg::mime::parseMessage(raw);
  constexpr std::string_view kHeader = "MGSPOOL 1\nfrom a@b\nrcpt c@d\n\n";
  auto fromFile = parseAsFile(kHeader, raw);
  if (summary.ok() != fromFile.ok()) std::abort();
  if (!summary) return 0;
  if (!sameSummary(summary.value(), fromFile.value())) std::abort();
  const std::optional<std::string> text =
      summary->text.empty() ? std::nullopt : std::optional<std::string>("edited body \xc3\xa9\n" + summary->text);
  auto edited = mg::mime::editMessage(raw, std::string("Edited: ") + summary->subject, text);
  if (edited) {
    // parse → edit → parse is stable: the edited message parses, with the subject and text
    // that were set.
    auto reparsed = mg::mime::parseMessage(*edited);
    if (!reparsed) std::abort();
    if (trimmed(reparsed->subject) != trimmed(asWritten("Edited: " + summary->subject))) std::abort();
    if (text && !reparsed->textTruncated && reparsed->text.find("edited body \xc3\xa9") == std::string::npos) std::abort();
    if (raw.size() < 64 * 1024) (void)mg::mime::unifiedDiff(raw, *edited, "original", "edited");
  }
  return 0;
}
