#pragma once
// The status page's files, built into the binary from firmware/ui/ (cmake/EmbedUiAssets.cmake).
#include <cstddef>
#include <string>

namespace mg::web {

struct UiAsset {
  const char* path;  // "/index.html", "/js/api.js": relative to firmware/ui/
  const unsigned char* data;
  size_t size;
  const char* etag;  // quoted, from the file's SHA-256
};

const UiAsset* uiAssetsBegin();
const UiAsset* uiAssetsEnd();
size_t uiAssetsTotalBytes();
// The asset at `path`, or nullptr.
const UiAsset* findUiAsset(const std::string& path);
// By extension: text/html, text/css, text/javascript, image/svg+xml…; charset for text.
std::string uiContentType(const std::string& path);

}  // namespace mg::web
