#pragma once
// Splits a byte stream into lines with a cap on what it keeps: a line longer than the limit
// is cut, the rest of it up to the next LF is read and dropped, and the caller is told. So a
// client sending a gigabyte without a newline costs us the limit plus one read buffer.
// Lines end at LF; a CR before it is dropped, and the line says which ending it had, so the
// DATA phase can tell CRLF from a bare LF (SMTP smuggling) while commands accept either.
#include <cstddef>
#include <optional>
#include <string>

namespace mg::smtp {

class LineReader {
 public:
  struct Line {
    std::string text;      // without the line end
    bool tooLong = false;  // cut: the original was longer than the limit
    bool crlf = true;      // ended in CRLF; false: a bare LF
  };

  void feed(const char* data, size_t size) { buffer_.append(data, size); }
  // The next complete line, or nothing until more is fed. `limit` counts the line end (two
  // bytes, as if CRLF), so limit 512 passes 510 bytes of text.
  std::optional<Line> next(size_t limit);
  bool hasBufferedInput() const { return pos_ < buffer_.size(); }
  // Drops everything buffered: the plaintext after STARTTLS must not survive the handshake.
  void clear();

 private:
  void compact();

  std::string buffer_;
  size_t pos_ = 0;
  bool discarding_ = false;  // inside an over-long line: dropping bytes until the LF
  std::string cut_;          // the kept head of that line
  bool lastDroppedCr_ = false;  // the last byte dropped of that line was a CR
};

}  // namespace mg::smtp
