#pragma once
// dc::shared_array<T>: Julia's SharedArray. One block of memory mapped by every process of the
// array on this host: writes by any of them are seen by all. Column-major, like Julia.

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/shared_segment.hpp>
#include <dc/procs.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace dc {

template <class T> class shared_array {
    static_assert(std::is_trivially_copyable_v<T>,
                  "dc::shared_array holds trivially copyable types");

public:
    /// n elements (zeroed), shared by the workers (or the master alone).
    explicit shared_array(std::size_t n) : shared_array(std::vector<std::size_t>{n}, {}) {}
    /// rows x cols elements, column-major.
    shared_array(std::size_t rows, std::size_t cols)
        : shared_array(std::vector<std::size_t>{rows, cols}, {}) {}
    /// Any number of dimensions, shared by `pids` (empty: the workers). Throws dc::error if a
    /// pid is on another host.
    shared_array(std::vector<std::size_t> dims, std::vector<int> pids)
        : dims_(std::move(dims)),
          segment_(detail::shared_segment::create(count(dims_) * sizeof(T),
                                                  pids.empty() ? dc::workers() : pids)) {}
    explicit shared_array(detail::for_loading_t) {}

    T* data() const noexcept { return static_cast<T*>(segment_->data()); }
    std::size_t size() const noexcept { return count(dims_); }
    const std::vector<std::size_t>& dims() const noexcept { return dims_; }
    T& operator[](std::size_t i) const { return data()[i]; }
    T& operator()(std::size_t row, std::size_t col) const { return data()[row + col * dims_[0]]; }
    std::span<T> span() const { return {data(), size()}; }
    /// The processes that map the array.
    const std::vector<int>& pids() const noexcept { return segment_->ref().pids; }
    /// The part [first, last) this process works on: the array split evenly over pids();
    /// empty on a process that is not one of them.
    std::pair<std::int64_t, std::int64_t> localindices() const {
        const auto& p = pids();
        auto it = std::find(p.begin(), p.end(), dc::myid());
        if (it == p.end()) return {0, 0};
        const auto k = static_cast<std::int64_t>(it - p.begin());
        const auto n = static_cast<std::int64_t>(size()),
                   parts = static_cast<std::int64_t>(p.size());
        return {n * k / parts, n * (k + 1) / parts};
    }

    template <class A> void save(A& ar) const { ar(segment_->ref(), dims_); }
    template <class A> void load(A& ar) {
        detail::segment_ref ref;
        ar(ref, dims_);
        segment_ = detail::shared_segment::attach(ref);
    }

private:
    static std::size_t count(const std::vector<std::size_t>& dims) {
        return std::accumulate(dims.begin(), dims.end(), std::size_t{1}, std::multiplies<>());
    }
    std::vector<std::size_t> dims_;
    std::shared_ptr<detail::shared_segment> segment_;
};

} // namespace dc
