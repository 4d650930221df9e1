#include "imap/ClientOptions.h"

#include "common/Text.h"

namespace mg::imap {

bool parseTlsMode(const std::string& text, TlsMode& out) {
  if (common::iequals(text, "none")) {
    out = TlsMode::None;
  } else if (common::iequals(text, "starttls")) {
    out = TlsMode::StartTls;
  } else if (common::iequals(text, "implicit")) {
    out = TlsMode::Implicit;
  } else {
    return false;
  }
  return true;
}

const char* toString(TlsMode mode) {
  switch (mode) {
    case TlsMode::None: return "none";
    case TlsMode::StartTls: return "starttls";
    case TlsMode::Implicit: return "implicit";
  }
  return "?";
}

}  // namespace mg::imap
