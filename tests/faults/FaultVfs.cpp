#include "FaultVfs.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "spool/FileSystem.h"

namespace mg::test {
namespace {

// Our file: the SQLite handle, then the real file of the base VFS right behind it.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* path;  // nullptr: not tracked (opened while disarmed, or a temp file)
};

FaultVfs& self() { return FaultVfs::instance(); }
sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }
const std::string* pathOf(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->path; }
bool tracked(sqlite3_file* f) { return pathOf(f) != nullptr && self().armed(); }

int xClose(sqlite3_file* f) {
  auto* ff = reinterpret_cast<FaultFile*>(f);
  const int rc = ff->real->pMethods->xClose(ff->real);
  delete ff->path;
  ff->path = nullptr;
  return rc;
}
int xRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) { return real(f)->pMethods->xRead(real(f), buf, n, off); }
int xWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (tracked(f) && self().failNow()) return SQLITE_IOERR_WRITE;
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (tracked(f) && self().failNow()) return SQLITE_IOERR_TRUNCATE;
  return real(f)->pMethods->xTruncate(real(f), size);
}
int xSync(sqlite3_file* f, int flags) {
  if (tracked(f) && self().failNow()) return SQLITE_IOERR_FSYNC;
  const int rc = real(f)->pMethods->xSync(real(f), flags);
  if (rc == SQLITE_OK && tracked(f)) self().synced(*pathOf(f), real(f));
  return rc;
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int xLock(sqlite3_file* f, int lock) { return real(f)->pMethods->xLock(real(f), lock); }
int xUnlock(sqlite3_file* f, int lock) { return real(f)->pMethods->xUnlock(real(f), lock); }
int xCheckReservedLock(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
int xFileControl(sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); }
int xSectorSize(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int xDeviceCharacteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int xShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), offset, n, flags); }
void xShmBarrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int xShmUnmap(sqlite3_file* f, int deleteFlag) { return real(f)->pMethods->xShmUnmap(real(f), deleteFlag); }
int xFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) { return real(f)->pMethods->xFetch(real(f), off, n, out); }
int xUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return real(f)->pMethods->xUnfetch(real(f), off, p); }

const sqlite3_io_methods kMethods = {3,         xClose,    xRead,       xWrite,     xTruncate,         xSync,
                                     xFileSize, xLock,     xUnlock,     xCheckReservedLock, xFileControl, xSectorSize,
                                     xDeviceCharacteristics, xShmMap, xShmLock, xShmBarrier, xShmUnmap, xFetch, xUnfetch};

int vfsOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
  auto* ff = reinterpret_cast<FaultFile*>(file);
  ff->base.pMethods = nullptr;
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  ff->path = nullptr;
  const int rc = self().base()->xOpen(self().base(), name, ff->real, flags, outFlags);
  if (rc != SQLITE_OK) {
    if (ff->real->pMethods != nullptr) ff->real->pMethods->xClose(ff->real);
    return rc;
  }
  if (ff->real->pMethods->iVersion < 3) {
    ff->real->pMethods->xClose(ff->real);
    return SQLITE_CANTOPEN;
  }
  ff->base.pMethods = &kMethods;
  if (name != nullptr && self().armed()) {
    ff->path = new std::string(name);
    self().opened(*ff->path);
  }
  return SQLITE_OK;
}
int vfsDelete(sqlite3_vfs*, const char* name, int syncDir) {
  if (self().armed() && self().failNow()) return SQLITE_IOERR_DELETE;
  const int rc = self().base()->xDelete(self().base(), name, syncDir);
  if (rc == SQLITE_OK && self().armed()) self().deleted(name);
  return rc;
}
int vfsAccess(sqlite3_vfs*, const char* name, int flags, int* out) { return self().base()->xAccess(self().base(), name, flags, out); }
int vfsFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return self().base()->xFullPathname(self().base(), name, n, out);
}
void* vfsDlOpen(sqlite3_vfs*, const char* name) { return self().base()->xDlOpen(self().base(), name); }
void vfsDlError(sqlite3_vfs*, int n, char* out) { self().base()->xDlError(self().base(), n, out); }
void (*vfsDlSym(sqlite3_vfs*, void* h, const char* sym))(void) { return self().base()->xDlSym(self().base(), h, sym); }
void vfsDlClose(sqlite3_vfs*, void* h) { self().base()->xDlClose(self().base(), h); }
int vfsRandomness(sqlite3_vfs*, int n, char* out) { return self().base()->xRandomness(self().base(), n, out); }
int vfsSleep(sqlite3_vfs*, int us) { return self().base()->xSleep(self().base(), us); }
int vfsCurrentTime(sqlite3_vfs*, double* out) { return self().base()->xCurrentTime(self().base(), out); }
int vfsGetLastError(sqlite3_vfs*, int n, char* out) { return self().base()->xGetLastError(self().base(), n, out); }
int vfsCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) { return self().base()->xCurrentTimeInt64(self().base(), out); }

}  // namespace

FaultVfs::FaultVfs() : base_(sqlite3_vfs_find(nullptr)) {
  if (base_ == nullptr || base_->iVersion < 2) throw std::runtime_error("no usable default SQLite VFS");
  vfs_.iVersion = 2;
  vfs_.szOsFile = static_cast<int>(sizeof(FaultFile)) + base_->szOsFile;
  vfs_.mxPathname = base_->mxPathname;
  vfs_.zName = "mg-fault";
  vfs_.xOpen = vfsOpen;
  vfs_.xDelete = vfsDelete;
  vfs_.xAccess = vfsAccess;
  vfs_.xFullPathname = vfsFullPathname;
  vfs_.xDlOpen = vfsDlOpen;
  vfs_.xDlError = vfsDlError;
  vfs_.xDlSym = vfsDlSym;
  vfs_.xDlClose = vfsDlClose;
  vfs_.xRandomness = vfsRandomness;
  vfs_.xSleep = vfsSleep;
  vfs_.xCurrentTime = vfsCurrentTime;
  vfs_.xGetLastError = vfsGetLastError;
  vfs_.xCurrentTimeInt64 = vfsCurrentTimeInt64;
  if (sqlite3_vfs_register(&vfs_, 1) != SQLITE_OK) throw std::runtime_error("cannot register the fault VFS");
}

FaultVfs& FaultVfs::instance() {
  static FaultVfs* vfs = new FaultVfs();  // never destroyed: SQLite keeps the pointer
  return *vfs;
}

void FaultVfs::arm(std::function<bool()> powerGone, bool honourSyncs) {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = true;
  honourSyncs_ = honourSyncs;
  powerGone_ = std::move(powerGone);
  durable_.clear();
}

bool FaultVfs::armed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return armed_;
}

bool FaultVfs::failNow() {
  std::function<bool()> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gone = powerGone_;
  }
  return gone && gone();
}

void FaultVfs::opened(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  durable_.try_emplace(path);  // a new file: nothing durable until its first sync
}

std::optional<std::string> FaultVfs::contentOf(sqlite3_file* real) {
  sqlite3_int64 size = 0;
  if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return std::nullopt;
  std::string content(static_cast<size_t>(size), '\0');
  if (size > 0 && real->pMethods->xRead(real, content.data(), static_cast<int>(size), 0) != SQLITE_OK) return std::nullopt;
  return content;
}

void FaultVfs::synced(const std::string& path, sqlite3_file* real) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!honourSyncs_) return;
  }
  auto content = contentOf(real);
  std::lock_guard<std::mutex> lock(mu_);
  if (content) durable_[path] = std::move(content);
}

void FaultVfs::deleted(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  durable_.erase(path);
}

void FaultVfs::adopt() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [path, content] : durable_) {
    if (auto bytes = spool::FileSystem::posix()->readFile(path); bytes) content = std::move(bytes.value());
  }
}

void FaultVfs::cutPowerInto(const std::string& toDir) {
  namespace fs = std::filesystem;
  std::lock_guard<std::mutex> lock(mu_);
  fs::create_directories(toDir);
  for (const auto& [path, content] : durable_) {
    if (!content) continue;
    std::ofstream(fs::path(toDir) / fs::path(path).filename(), std::ios::binary | std::ios::trunc) << *content;
  }
  armed_ = false;
  powerGone_ = nullptr;
  durable_.clear();
}

void FaultVfs::disarm() {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = false;
  powerGone_ = nullptr;
  durable_.clear();
}

}  // namespace mg::test
