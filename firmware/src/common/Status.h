#pragma once
// Status / Result: errors cross module edges as values, with context added on the way up
// ("releasing 42: upstream primary: 554 5.7.1 relay denied"). POCO throws; module edges catch.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mg::common {

class [[nodiscard]] Status {
 public:
  static Status success() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& message() const {
    static const std::string kEmpty;
    return message_ ? *message_ : kEmpty;
  }
  // Prefixes the message with where it happened; a success stays a success.
  Status withContext(const std::string& context) const {
    return ok() ? *this : Status(context + ": " + *message_);
  }

 private:
  Status() = default;
  explicit Status(std::string m) : message_(std::move(m)) {}
  std::optional<std::string> message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {}  // NOLINT: must be an error status

  static Result error(std::string message) { return Result(Status::error(std::move(message))); }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  // By value from a temporary: `for (auto& x : repo.list().value())` then holds the list
  // itself, not a reference into a Result that is gone by the loop's first step.
  T value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  Status status() const { return ok() ? Status::success() : std::get<Status>(v_); }
  const std::string& errorMessage() const {
    static const std::string kEmpty;
    return ok() ? kEmpty : std::get<Status>(v_).message();
  }
  Result withContext(const std::string& context) const {
    return ok() ? *this : Result(std::get<Status>(v_).withContext(context));
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace mg::common
