#pragma once
// The states of one SMTP session (DESIGN §4: explicit state machines). The transaction
// (sender, recipients) lives beside the state; the state says what the next line means.
#include <string_view>

namespace mg::smtp {

enum class SmtpState {
  Connected,      // greeting sent; EHLO/HELO expected
  Greeted,        // EHLO/HELO done, no transaction
  Mail,           // MAIL accepted, no recipient yet
  Rcpt,           // at least one RCPT accepted
  Data,           // reading message lines until "."
  AuthPlain,      // AUTH PLAIN sent without initial response: the next line is the response
  AuthLoginUser,  // AUTH LOGIN: the next line is the user name
  AuthLoginPass,  // AUTH LOGIN: the next line is the password
  StartTls,       // 220 to STARTTLS sent: waiting for the transport's handshake
  Closed,         // 221/421 sent; every further line is ignored
};

std::string_view toString(SmtpState state);

}  // namespace mg::smtp
