// Status and Result<T>: errors as values at module boundaries.
//
// A Status is either OK or carries a code and a human-readable message that
// names what failed and where (file, offset). Result<T> holds either a value or
// a non-OK Status. Both are cheap to move; neither throws.
//
// Thread-safety: value types; distinct instances may be used concurrently.
#ifndef STCLUSTER_CORE_STATUS_H_
#define STCLUSTER_CORE_STATUS_H_

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace stc {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // The caller passed something unusable (flag, path).
  kNotFound = 2,         // A file, key or store does not exist.
  kIoError = 3,          // Reading or writing failed (disk full, permission).
  kCorruption = 4,       // Stored or input data is damaged beyond a record.
  kDataError = 5,        // Input data is malformed (a record, a file).
  kBusy = 6,             // Another process holds a resource (store lock).
  kInternal = 7,         // A bug: an invariant did not hold.
};

// Returns a short stable name for `code` ("ok", "io_error", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK.
  // A status of `code`; an OK code makes an OK status (the message dropped).
  Status(StatusCode code, std::string message)
      : state_(code == StatusCode::kOk ? nullptr : new State{code, std::move(message)}) {}
  Status(const Status& other) : state_(other.state_ ? new State(*other.state_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) state_.reset(other.state_ ? new State(*other.state_) : nullptr);
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message; empty for OK.
  const std::string& message() const;
  // "io_error: cannot open x.zst: No such file or directory".
  std::string ToString() const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  // Null when OK, so that an OK status (what hot loops return per record)
  // is one pointer to set and test: no string to construct or destroy.
  std::unique_ptr<State> state_;
};

// Holds a T or a non-OK Status. Accessing value() on an error is a bug
// (asserted in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design.
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result constructed from an OK status without a value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace stc

#define STC_CONCAT_INNER_(a, b) a##b
#define STC_CONCAT_(a, b) STC_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` yields a non-OK Status.
#define STC_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::stc::Status stc_status_ = (expr);        \
    if (!stc_status_.ok()) return stc_status_; \
  } while (0)

// `STC_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its error.
#define STC_ASSIGN_OR_RETURN(lhs, expr) \
  STC_ASSIGN_OR_RETURN_IMPL_(STC_CONCAT_(stc_result_, __LINE__), lhs, expr)
#define STC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#endif  // STCLUSTER_CORE_STATUS_H_
