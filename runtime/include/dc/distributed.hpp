#pragma once
// Julia's @distributed: a range split into contiguous chunks, one per worker, each run on its
// worker with the body inlined (the loop is instantiated for the body's concrete type).

#include <dc/detail/callable.hpp>
#include <dc/detail/calls.hpp>
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

} // namespace detail

/// Julia's `@distributed (op) for i in first:last body(i) end`: reduces body(i) over
/// [first, last) with `op`, one contiguous chunk per worker, the final reduce here. `op` and
/// `body` are plain functions or capture-less lambdas. A lambda is inlined into the loop; a
/// plain function passed as `f` costs an indirect call per element: pass `dc::fn<f>` instead
/// (dc/fn.hpp), which is as fast as the lambda. Throws std::invalid_argument for an empty
/// range, dc::remote_exception if a body throws, dc::process_exited if a worker dies.
template <class Op, class F>
auto distributed_reduce(Op op, std::int64_t first, std::int64_t last, F body) {
    using T = std::decay_t<std::invoke_result_t<F, std::int64_t>>;
    if (first >= last) throw std::invalid_argument("distributed_reduce: the range is empty");
    const auto ids = workers();
    const auto chunks = detail::split_range(first, last, ids.size());
    std::vector<future<T>> parts;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        parts.emplace_back(detail::send_call(&detail::reduce_range<Op, F, T>, ids[i],
                                             detail::call_mode::fetch, detail::callable<Op>::of(op),
                                             detail::callable<F>::of(body), chunks[i].first,
                                             chunks[i].second));
    }
    T acc = std::move(parts[0]).fetch();
    for (std::size_t i = 1; i < parts.size(); ++i)
        acc = op(std::move(acc), std::move(parts[i]).fetch());
    return acc;
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
