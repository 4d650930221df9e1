#include "spool/SpoolWriter.h"

#include "common/Metrics.h"
#include "spool/Spool.h"

namespace mg::spool {

SpoolWriter::SpoolWriter(Target target, std::unique_ptr<AppendableFile> file, uint64_t headerBytes)
    : target_(std::move(target)), file_(std::move(file)), headerBytes_(headerBytes) {}

SpoolWriter::~SpoolWriter() {
  if (done_) return;
  file_.reset();
  (void)target_.fs->remove(tmpPath());
}

std::string SpoolWriter::tmpPath() const { return target_.dir + "/tmp/" + target_.name; }

void SpoolWriter::append(std::string_view bytes) {
  if (!status_.ok() || done_ || bytes.empty()) return;
  status_ = file_->append(bytes);
  if (!status_.ok()) {
    // The disk is full (or failing): give its space back now, not when the client's end dot
    // comes minutes later, so that other sessions are not starved meanwhile.
    file_.reset();
    (void)target_.fs->remove(tmpPath());
    return;
  }
  hash_.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  size_ += bytes.size();
}

common::Result<WrittenEntry> SpoolWriter::commit() {
  if (done_) return common::Result<WrittenEntry>::error("spool file " + target_.name + " was already committed");
  common::Status st = status_;
  if (st.ok() && target_.sync) st = file_->sync();
  if (st.ok()) st = file_->close();
  const std::string finalPath = target_.dir + "/" + target_.name;
  if (st.ok()) st = target_.fs->rename(tmpPath(), finalPath);
  if (!st.ok()) {
    file_.reset();
    (void)target_.fs->remove(tmpPath());
    done_ = true;
    return st;
  }
  done_ = true;
  // The rename is durable only once the directory entry is. If that fails the client hears a
  // 4xx and sends again: the file goes too, so that recovery does not hold a second copy (unless
  // the rename reached the disk and the removal did not: then recovery holds it, once).
  if (target_.sync) {
    if (auto dirSt = target_.fs->syncDir(target_.dir); !dirSt.ok()) {
      (void)target_.fs->remove(finalPath);
      return dirSt;
    }
  }
  WrittenEntry entry;
  entry.name = target_.name;
  entry.contentHash = Poco::DigestEngine::digestToHex(hash_.digest());
  entry.size = size_;
  entry.rawOffset = headerBytes_;
  common::Metrics::global().increment("mailgate_spool_bytes_written_total", {},
                                      static_cast<double>(headerBytes_ + size_));
  return entry;
}

}  // namespace mg::spool
