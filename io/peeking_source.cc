#include "io/peeking_source.h"

#include <algorithm>
#include <cstring>

namespace stc {

std::string_view PeekingSource::Peek(size_t n) {
  if (head_pos_ > 0) {
    head_.erase(0, head_pos_);
    head_pos_ = 0;
  }
  while (head_.size() < n && !ended_) {
    const size_t old = head_.size();
    head_.resize(n);
    Result<size_t> got = inner_->Read(head_.data() + old, n - old);
    if (!got.ok()) {
      head_.resize(old);
      error_ = got.status();
      ended_ = true;
    } else {
      head_.resize(old + std::min(*got, n - old));
      if (*got == 0) ended_ = true;
    }
  }
  return std::string_view(head_).substr(0, std::min(n, head_.size()));
}

Result<size_t> PeekingSource::Read(char* buf, size_t cap) {
  if (head_pos_ < head_.size()) {
    const size_t k = std::min(cap, head_.size() - head_pos_);
    std::memcpy(buf, head_.data() + head_pos_, k);
    head_pos_ += k;
    return k;
  }
  if (ended_) {
    if (!error_.ok()) return error_;
    return size_t{0};
  }
  return inner_->Read(buf, cap);
}

}  // namespace stc
