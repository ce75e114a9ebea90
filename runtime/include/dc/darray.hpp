#pragma once
// dc::darray<T>: Julia's DistributedArrays. A 1-D array split into contiguous chunks, each
// living on its own process; operations run where the chunks are and move only results.

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/calls.hpp>
#include <dc/detail/chunk_store.hpp>
#include <dc/detail/tree_reduce.hpp>
#include <dc/distributed.hpp>
#include <dc/procs.hpp>
#include <dc/remotecall.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace dc {

template <class T> class darray {
public:
    /// An empty handle to load into.
    explicit darray(detail::for_loading_t) {}
    /// Adopts chunks already stored on layout.pids; `owner`: free them when the last handle of
    /// this process goes (the creating process owns an array; copies sent elsewhere do not).
    darray(detail::darray_layout layout, bool owner) : layout_(make(std::move(layout), owner)) {}

    std::size_t size() const { return static_cast<std::size_t>(layout_->offsets.back()); }
    /// The processes that hold a chunk, in index order.
    const std::vector<int>& procs() const { return layout_->pids; }
    /// [first, last) held by this process ({0, 0} if it holds none).
    std::pair<std::int64_t, std::int64_t> localindices() const {
        const auto k = index_of(myid());
        if (k < 0) return {0, 0};
        return {layout_->offsets[k], layout_->offsets[k + 1]};
    }
    /// This process's chunk (empty if it holds none).
    std::span<T> localpart() const {
        if (index_of(myid()) < 0) return {};
        auto& c = detail::chunk<T>(layout_->id);
        return {c.data(), c.size()};
    }
    /// A new darray with f applied to every element, computed where each chunk lives.
    template <class F> auto map(F f) const {
        using R = std::decay_t<std::invoke_result_t<F, const T&>>;
        detail::darray_layout out{detail::new_array_id(), layout_->pids, layout_->offsets};
        std::vector<future<void>> done;
        for (int pid : layout_->pids) {
            done.emplace_back(detail::send_call(&detail::map_chunk<F, T, R>, pid,
                                                detail::call_mode::fetch,
                                                detail::callable<F>::of(f), layout_->id, out.id));
        }
        for (auto& d : done)
            d.wait();
        return darray<R>(std::move(out), true);
    }
    /// Reduces all elements with op: each chunk on its process, the partial results combined
    /// up a fan-out tree in order (dc/detail/tree_reduce.hpp). Throws std::invalid_argument for
    /// an empty array.
    template <class Op> T reduce(Op op) const {
        std::vector<int> holders;
        for (std::size_t k = 0; k < layout_->pids.size(); ++k) {
            if (layout_->offsets[k] != layout_->offsets[k + 1]) holders.push_back(layout_->pids[k]);
        }
        if (holders.empty()) throw std::invalid_argument("darray::reduce: the array is empty");
        return detail::tree_reduce<T, Op, detail::chunk_leaf<T>>(detail::callable<Op>::of(op),
                                                                 layout_->id, holders);
    }
    /// The whole array, here.
    std::vector<T> gather() const {
        std::vector<future<std::vector<T>>> parts;
        for (int pid : layout_->pids) {
            parts.emplace_back(detail::send_call(&detail::get_chunk<T>, pid,
                                                 detail::call_mode::fetch, layout_->id));
        }
        std::vector<T> all;
        all.reserve(size());
        for (auto& p : parts) {
            const auto& c = p.fetch();
            all.insert(all.end(), c.begin(), c.end());
        }
        return all;
    }

    template <class A> void save(A& ar) const { ar(*layout_); }
    template <class A> void load(A& ar) {
        detail::darray_layout l;
        ar(l);
        layout_ = make(std::move(l), false);
    }

private:
    static std::shared_ptr<const detail::darray_layout> make(detail::darray_layout l, bool owner) {
        if (!owner) return std::make_shared<const detail::darray_layout>(std::move(l));
        return std::shared_ptr<const detail::darray_layout>(
            new detail::darray_layout(std::move(l)), [](const detail::darray_layout* p) {
                for (int pid : p->pids) {
                    try {
                        remote_do(&detail::free_chunk, pid, p->id);
                    } catch (const std::exception&) { // gone, and its chunk with it
                    }
                }
                delete p;
            });
    }
    std::int64_t index_of(int pid) const {
        auto it = std::find(layout_->pids.begin(), layout_->pids.end(), pid);
        return it == layout_->pids.end() ? -1 : it - layout_->pids.begin();
    }
    std::shared_ptr<const detail::darray_layout> layout_;
};

namespace detail {
inline darray_layout plan_layout(std::size_t n, std::vector<int> pids) {
    if (pids.empty()) pids = workers();
    darray_layout l{new_array_id(), std::move(pids), {}};
    const auto parts = static_cast<std::int64_t>(l.pids.size());
    for (std::int64_t k = 0; k <= parts; ++k) {
        l.offsets.push_back(static_cast<std::int64_t>(n) * k / parts);
    }
    return l;
}

template <class T, class Make> darray<T> build(std::size_t n, std::vector<int> pids, Make make) {
    auto layout = plan_layout(n, std::move(pids));
    std::vector<future<void>> done;
    for (std::size_t k = 0; k < layout.pids.size(); ++k) {
        done.push_back(make(layout, k));
    }
    for (auto& d : done)
        d.wait();
    return darray<T>(std::move(layout), true);
}
} // namespace detail

/// Splits v into contiguous chunks, one per process of `pids` (default: the workers).
template <class T> darray<T> distribute(const std::vector<T>& v, std::vector<int> pids = {}) {
    return detail::build<T>(
        v.size(), std::move(pids), [&](const detail::darray_layout& l, std::size_t k) {
            std::vector<T> part(v.begin() + l.offsets[k], v.begin() + l.offsets[k + 1]);
            return future<void>(detail::send_call(&detail::store_chunk<T>, l.pids[k],
                                                  detail::call_mode::fetch, l.id, std::move(part)));
        });
}

template <class T> std::span<T> localpart(const darray<T>& d) {
    return d.localpart();
}
template <class T> std::pair<std::int64_t, std::int64_t> localindices(const darray<T>& d) {
    return d.localindices();
}
template <class T> std::vector<T> gather(const darray<T>& d) {
    return d.gather();
}

/// A darray of n copies of value, built on its processes (nothing is sent but the size).
template <class T> darray<T> dfill(std::size_t n, T value, std::vector<int> pids = {}) {
    return detail::build<T>(n, std::move(pids), [&](const detail::darray_layout& l, std::size_t k) {
        const auto count = static_cast<std::size_t>(l.offsets[k + 1] - l.offsets[k]);
        return future<void>(detail::send_call(&detail::fill_chunk<T>, l.pids[k],
                                              detail::call_mode::fetch, l.id, count, value));
    });
}
template <class T = double> darray<T> dzeros(std::size_t n, std::vector<int> pids = {}) {
    return dfill<T>(n, T(0), std::move(pids));
}
template <class T = double> darray<T> dones(std::size_t n, std::vector<int> pids = {}) {
    return dfill<T>(n, T(1), std::move(pids));
}
/// Uniform random numbers in [0, 1), generated on each process.
inline darray<double> drand(std::size_t n, std::vector<int> pids = {}) {
    std::random_device rd;
    const std::uint64_t seed = (static_cast<std::uint64_t>(rd()) << 32) | rd();
    return detail::build<double>(
        n, std::move(pids), [&](const detail::darray_layout& l, std::size_t k) {
            const auto count = static_cast<std::size_t>(l.offsets[k + 1] - l.offsets[k]);
            return future<void>(detail::send_call(&detail::rand_chunk, l.pids[k],
                                                  detail::call_mode::fetch, l.id, count, seed + k));
        });
}

} // namespace dc
