#pragma once
// Sample messages for the mime tests, written with LF for readability; crlf() gives the
// wire form.
#include <string>
#include <string_view>

namespace mg::mime::test {

inline std::string crlf(std::string_view lf) {
  std::string out;
  out.reserve(lf.size() + lf.size() / 16);
  for (const char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// 300 bytes, (i*7+3) % 256, so every byte value occurs: binary-safe checks.
inline std::string attachmentBytes() {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes += static_cast<char>((i * 7 + 3) % 256);
  return bytes;
}

inline constexpr std::string_view kAttachmentBase64 =
    "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dzj6vH4/wYNFBsiKTA3PkVMU1phaG92fYSL\n"
    "kpmgp661vMPK0djf5u30+wIJEBceJSwzOkFIT1ZdZGtyeYCHjpWco6qxuL/GzdTb4unw9/4FDBMa\n"
    "ISgvNj1ES1JZYGdudXyDipGYn6attLvCydDX3uXs8/oBCA8WHSQrMjlAR05VXGNqcXh/ho2Um6Kp\n"
    "sLe+xczT2uHo7/b9BAsSGSAnLjU8Q0pRWF9mbXR7gomQl56lrLO6wcjP1t3k6/L5AAcOFRwjKjE4\n"
    "P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tng5+71/AMKERgfJi00O0JJUFdeZWxzeoGIj5adpKuyucDH\n"
    "ztXc4+rx+P8GDRQbIikw\n";

inline constexpr std::string_view kPlain =
    "From: Alice Example <alice@example.org>\n"
    "To: Bob <bob@example.net>, carol@example.net\n"
    "Cc: dave@example.com\n"
    "Subject: Quarterly numbers\n"
    "Date: Tue, 04 Jun 2024 10:15:00 +0200\n"
    "Message-ID: <20240604101500.1234@example.org>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "Hi Bob,\n"
    "\n"
    "the numbers are attached.\n"
    "Alice\n";

inline constexpr std::string_view kAlternative =
    "From: alice@example.org\n"
    "To: bob@example.net\n"
    "Subject: Newsletter\n"
    "Message-ID: <alt-1@example.org>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"ALT\"\n"
    "\n"
    "This is a multi-part message in MIME format.\n"
    "--ALT\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Plain version.\n"
    "--ALT\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>HTML version.</p>\n"
    "--ALT--\n";

inline std::string mixedWithAttachment() {
  return std::string(
             "From: alice@example.org\n"
             "To: bob@example.net\n"
             "Subject: Report\n"
             "Message-ID: <mixed-1@example.org>\n"
             "MIME-Version: 1.0\n"
             "Content-Type: multipart/mixed; boundary=\"MIX\"\n"
             "\n"
             "--MIX\n"
             "Content-Type: text/plain; charset=us-ascii\n"
             "\n"
             "See the attached report.\n"
             "--MIX\n"
             "Content-Type: application/pdf; name=\"report.pdf\"\n"
             "Content-Disposition: attachment; filename=\"report.pdf\"\n"
             "Content-Transfer-Encoding: base64\n"
             "\n") +
         std::string(kAttachmentBase64) + "--MIX--\n";
}

inline constexpr std::string_view kEncodedHeaders =
    "From: =?ISO-8859-1?Q?Andr=E9_M=FCller?= <andre@example.org>\n"
    "To: =?UTF-8?B?SsO8cmdlbg==?= <juergen@example.net>\n"
    "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?= =?ISO-8859-1?Q?_=E0_bient=F4t?=\n"
    "Message-ID: <enc-1@example.org>\n"
    "\n"
    "Body.\n";

inline constexpr std::string_view kQuotedPrintableLatin1 =
    "From: a@example.org\n"
    "Subject: QP\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=ISO-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Gr=FC=DFe aus K=F6ln, soft=\n"
    " break.\n";

inline constexpr std::string_view kEightBitUtf8 =
    "From: a@example.org\n"
    "Subject: 8bit\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac 5\n";

inline constexpr std::string_view kHtmlOnly =
    "From: a@example.org\n"
    "Subject: html only\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>only html</p>\n";

}  // namespace mg::mime::test
