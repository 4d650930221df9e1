#include "smtp/SmtpState.h"

namespace mg::smtp {

std::string_view toString(SmtpState state) {
  switch (state) {
    case SmtpState::Connected: return "connected";
    case SmtpState::Greeted: return "greeted";
    case SmtpState::Mail: return "mail";
    case SmtpState::Rcpt: return "rcpt";
    case SmtpState::Data: return "data";
    case SmtpState::AuthPlain: return "auth-plain";
    case SmtpState::AuthLoginUser: return "auth-login-user";
    case SmtpState::AuthLoginPass: return "auth-login-pass";
    case SmtpState::StartTls: return "starttls";
    case SmtpState::Closed: return "closed";
  }
  return "unknown";
}

}  // namespace mg::smtp
