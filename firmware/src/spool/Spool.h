#pragma once
// Durable raw message bytes under data_dir/spool/. A message is on disk when write()
// returns: temp file → fsync → rename → fsync(dir). Only then may the row be committed
// and 250 be sent (DESIGN.md §3, "Durability").
//
// File format: a short envelope header, a blank line, then the message bytes untouched:
//   MGSPOOL 1\n  from <addr>\n  rcpt <addr>\n …  \n  <raw message>
// so that a file without a database row (a crash between rename and commit) can be
// recovered with its envelope. Mail that is not plain SMTP intake (IMAP mail taken from an
// account's INBOX) says where it came from, so recovery never mistakes it for SMTP mail:
//   MGSPOOL 2\n  from …\n  rcpt …\n  source imap\n  account <id>\n  imap-uid <uidvalidity> <uid>\n  \n  <raw>
// (account and imap-uid only when known). Each envelope has exactly one spelling.
#include <memory>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/Status.h"
#include "spool/FileSystem.h"
#include "spool/SpoolWriter.h"

namespace mg::spool {

struct SpoolEnvelope {
  std::string mailFrom;
  std::vector<std::string> rcptTo;
  // Where the message came from: "smtp" (the gate) or "imap" (a watcher), with the account
  // and the INBOX UID it had when it was taken (0 when unknown).
  std::string source = "smtp";
  int64_t accountId = 0;
  int64_t imapUidValidity = 0;
  int64_t imapUid = 0;
};

struct SpoolFile {
  SpoolEnvelope envelope;
  std::string raw;
};

// Where a message's raw bytes are: in the file at `path`, from `offset` on.
struct RawLocation {
  std::string path;
  uint64_t offset = 0;
};

struct WrittenEntry {
  std::string name;         // file name inside the spool directory
  std::string contentHash;  // SHA-256 hex of the raw bytes
  uint64_t size = 0;        // raw bytes
  uint64_t rawOffset = 0;   // where the raw bytes start in the file (after the envelope header)
};

class Spool {
 public:
  explicit Spool(std::string dir, std::shared_ptr<FileSystem> fs = FileSystem::posix());

  // Creates the directories (mode 0700) and removes leftover temp files.
  common::Status init();
  // `nameHint` lets edited versions sit beside their original ("<orig>.v2").
  common::Result<WrittenEntry> write(const SpoolEnvelope& envelope, std::string_view raw,
                                     const std::string& nameHint = "");
  // The same, for a message that arrives in pieces: its envelope is checked and written now,
  // the message by SpoolWriter::append, and it is in the spool once commit() returns.
  common::Result<std::unique_ptr<SpoolWriter>> begin(const SpoolEnvelope& envelope, const std::string& nameHint = "");
  std::string pathOf(const std::string& name) const { return dir_ + "/" + name; }
  common::Result<SpoolFile> read(const std::string& name) const;
  common::Result<std::string> readRaw(const std::string& name) const;
  // Reads only the envelope header (at most kMaxHeaderBytes), to parse the message from the file.
  common::Result<RawLocation> locate(const std::string& name) const;
  static constexpr size_t kMaxHeaderBytes = 1024 * 1024;
  common::Status remove(const std::string& name);
  bool exists(const std::string& name) const;  // a message file of that name is in the spool
  common::Status syncDir();  // removals made durable (retention, before it deletes the rows)
  std::vector<std::string> list() const;  // message files only, sorted

  // A marker beside a spool file while its content is parsed. Should the process die inside
  // the parser (a poison message), the marker survives, and recovery holds the file without
  // parsing it again: the same bytes never crash the daemon twice. (A power cut may lose the
  // marker; it only guards against crashes, which leave the page cache alone.)
  void markParsing(const std::string& name);
  void clearParsing(const std::string& name);
  bool wasBeingParsed(const std::string& name) const;
  // A marker, fsynced, that a message went out upstream (ending in `status`: released or
  // relayed) although the database could not record it (disk full, I/O error): start-up
  // recovery then records that instead of an interrupted release. False when even the marker
  // could not be written.
  bool markDelivered(const std::string& name, const std::string& status);
  void clearDelivered(const std::string& name);
  std::string deliveredAs(const std::string& name) const;  // the status, or "" without a marker
  const std::string& dir() const { return dir_; }

  // The fault harness's control (tests/faults/): with false, write() skips every fsync, and
  // the simulated power cut must then find acknowledged mail missing.
  void setSyncForTest(bool sync) { sync_ = sync; }

  // Pure parts, exposed for tests and fuzzing.
  static std::string encode(const SpoolEnvelope& envelope, std::string_view raw);
  static std::string encodeHeader(const SpoolEnvelope& envelope);  // what encode() puts before raw
  static common::Result<SpoolFile> decode(std::string_view bytes);

 private:
  bool setMarker(const std::string& name, const char* suffix, std::string_view content, bool durable);
  void clearMarker(const std::string& name, const char* suffix);
  bool hasMarker(const std::string& name, const char* suffix) const;

  std::string dir_;
  std::shared_ptr<FileSystem> fs_;
  bool sync_ = true;
};

}  // namespace mg::spool
