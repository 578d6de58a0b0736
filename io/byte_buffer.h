// A growable array of bytes whose growth leaves the new bytes unset: the
// buffer a chunker reads into (io/line_chunker.h, Chunk::data).
//
// std::string cannot grow without writing every new byte (resize() fills
// with '\0'; resize_and_overwrite() is C++23), and a chunker grows its
// buffer by up to 1 MiB before each read only to overwrite those bytes with
// the read: a memset of every byte of the input, 1-2% of an ingest's CPU
// (docs/performance-history.md, the change of ByteBuffer). A ByteBuffer
// grows by GrowUninitialized() instead, and, unlike a std::string, never
// writes a terminator past its end either.
//
// Ownership: owns its storage (new[]); copies are deep. Capacity is kept
// across clear() and Truncate(), as a std::string's is.
// Thread-safety: none (a plain value type).
#ifndef STCLUSTER_IO_BYTE_BUFFER_H_
#define STCLUSTER_IO_BYTE_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <ostream>
#include <string_view>

namespace stc {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(std::string_view s) { append(s); }
  ByteBuffer(const ByteBuffer& other) { append(other.view()); }
  ByteBuffer& operator=(const ByteBuffer& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  ByteBuffer(ByteBuffer&& other) noexcept
      : buf_(std::move(other.buf_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = 0;
    other.capacity_ = 0;
  }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    buf_ = std::move(other.buf_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = 0;
    other.capacity_ = 0;
    return *this;
  }
  ByteBuffer& operator=(std::string_view s) {
    assign(s);
    return *this;
  }

  char* data() { return buf_.get(); }
  const char* data() const { return buf_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  std::string_view view() const { return {buf_.get(), size_}; }
  operator std::string_view() const { return view(); }  // NOLINT: a byte string.
  char operator[](size_t i) const { return buf_[i]; }

  void clear() { size_ = 0; }
  // Drops the first `n` bytes (n <= size()), moving the rest to the front.
  void EraseFront(size_t n) {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    std::memmove(buf_.get(), buf_.get() + n, size_ - n);
    size_ -= n;
  }
  // Shortens the buffer to `n` bytes (n <= size()); writes nothing.
  void Truncate(size_t n) { size_ = n < size_ ? n : size_; }
  // Makes room for `n` bytes in all; the content is kept.
  void reserve(size_t n) {
    if (n > capacity_) Reallocate(n);
  }
  // Grows the buffer by `n` bytes left unset and returns a pointer to the
  // first of them (valid until the next growth).
  char* GrowUninitialized(size_t n) {
    if (n > capacity_ - size_) Reallocate(Grown(size_ + n));
    char* p = buf_.get() + size_;
    size_ += n;
    return p;
  }
  // `p` may point into this buffer.
  void append(const char* p, size_t n) {
    if (n == 0) return;
    if (n > capacity_ - size_ && p >= buf_.get() && p < buf_.get() + size_) {
      const size_t at = static_cast<size_t>(p - buf_.get());
      reserve(Grown(size_ + n));
      p = buf_.get() + at;
    }
    std::memmove(GrowUninitialized(n), p, n);
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void append(size_t n, char c) {
    if (n > 0) std::memset(GrowUninitialized(n), c, n);
  }
  void assign(std::string_view s) {
    size_ = 0;
    append(s);
  }

  friend bool operator==(const ByteBuffer& a, std::string_view b) { return a.view() == b; }
  friend std::ostream& operator<<(std::ostream& os, const ByteBuffer& b) { return os << b.view(); }

 private:
  size_t Grown(size_t need) const { return need > 2 * capacity_ ? need : 2 * capacity_; }
  void Reallocate(size_t n) {
    std::unique_ptr<char[]> fresh = std::make_unique_for_overwrite<char[]>(n);
    if (size_ > 0) std::memcpy(fresh.get(), buf_.get(), size_);
    buf_ = std::move(fresh);
    capacity_ = n;
  }

  std::unique_ptr<char[]> buf_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace stc

#endif  // STCLUSTER_IO_BYTE_BUFFER_H_
