#pragma once
// Julia's @distributed: a range split into contiguous chunks, one per worker, each run on its
// worker with the body inlined (the loop is instantiated for the body's concrete type).

#include <dc/detail/callable.hpp>
#include <dc/detail/calls.hpp>
#include <dc/detail/tree_reduce.hpp>
#include <dc/future.hpp>
#include <dc/procs.hpp>
#include <dc/remotecall.hpp>

#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace dc {
namespace detail {

/// [first, last) split into at most `parts` contiguous, non-empty chunks of near-equal size.
inline std::vector<std::pair<std::int64_t, std::int64_t>>
split_range(std::int64_t first, std::int64_t last, std::size_t parts) {
    std::vector<std::pair<std::int64_t, std::int64_t>> chunks;
    const std::int64_t n = last - first;
    const auto k = static_cast<std::int64_t>(std::max<std::size_t>(1, parts));
    for (std::int64_t i = 0; i < k; ++i) {
        const std::int64_t lo = first + n * i / k, hi = first + n * (i + 1) / k;
        if (lo < hi) chunks.emplace_back(lo, hi);
    }
    return chunks;
}

template <class Op, class F, class T>
T reduce_range(callable<Op> op, callable<F> body, std::int64_t lo, std::int64_t hi) {
    auto combine = op.get();
    auto f = body.get();
    T acc = f(lo);
    for (std::int64_t i = lo + 1; i < hi; ++i)
        acc = combine(std::move(acc), f(i));
    return acc;
}

template <class F> void for_range(callable<F> body, std::int64_t lo, std::int64_t hi) {
    auto f = body.get();
    for (std::int64_t i = lo; i < hi; ++i)
        f(i);
}

/// What every process of a distributed_reduce needs: the body and how [first, last) is split.
template <class F> struct range_split {
    callable<F> body;
    std::int64_t first = 0;
    std::int64_t last = 0;
    std::int64_t parts = 1;
    template <class A> void serialize(A& ar) { ar(body, first, last, parts); }
};

/// Chunk k of a range_split, reduced where it runs.
template <class T> struct range_leaf {
    template <class Op, class F>
    T operator()(callable<Op> op, const range_split<F>& s, std::int64_t k) const {
        const std::int64_t n = s.last - s.first;
        return reduce_range<Op, F, T>(op, s.body, s.first + n * k / s.parts,
                                      s.first + n * (k + 1) / s.parts);
    }
};

} // namespace detail

/// Julia's `@distributed (op) for i in first:last body(i) end`: reduces body(i) over
/// [first, last) with `op`, one contiguous chunk per worker. The partial results are combined
/// up a fan-out tree (dc/detail/tree_reduce.hpp), in index order, so the caller receives a few
/// values, not one per worker; `op` must be associative, as for Julia. `op` and `body` are
/// plain functions or capture-less lambdas. A lambda is inlined into the loop; a plain function
/// passed as `f` costs an indirect call per element: pass `dc::fn<f>` instead (dc/fn.hpp),
/// which is as fast as the lambda. Throws std::invalid_argument for an empty range,
/// dc::remote_exception if a body throws (the lowest worker id whose chunk threw),
/// dc::process_exited if a worker dies.
template <class Op, class F>
auto distributed_reduce(Op op, std::int64_t first, std::int64_t last, F body) {
    using T = std::decay_t<std::invoke_result_t<F, std::int64_t>>;
    if (first >= last) throw std::invalid_argument("distributed_reduce: the range is empty");
    auto ids = workers();
    const auto parts = std::min<std::int64_t>(static_cast<std::int64_t>(ids.size()), last - first);
    ids.resize(static_cast<std::size_t>(parts));
    const detail::range_split<F> split{detail::callable<F>::of(body), first, last, parts};
    return detail::tree_reduce<T, Op, detail::range_leaf<T>>(detail::callable<Op>::of(op), split,
                                                             ids);
}

/// Julia's `@distributed for`: runs body(i) for i in [first, last), one contiguous chunk per
/// worker, and returns at once (a plain function is best passed as `dc::fn<f>`, as above); the
/// future completes when every chunk has (wait() rethrows the first error).
template <class F> future<void> distributed_for(std::int64_t first, std::int64_t last, F body) {
    const auto ids = workers();
    std::vector<std::shared_ptr<detail::ref_state>> parts;
    const auto chunks = detail::split_range(first, last, ids.size());
    for (std::size_t k = 0; k < chunks.size(); ++k) {
        parts.push_back(detail::send_call(&detail::for_range<F>, ids[k], detail::call_mode::fetch,
                                          detail::callable<F>::of(body), chunks[k].first,
                                          chunks[k].second));
    }
    return future<void>(detail::ref_state::when_all(parts, myid()));
}

} // namespace dc
