#pragma once
// dc::pmap: Julia's pmap. Items go out in batches to idle workers of a pool (dynamic load
// balancing: a slow item holds up only its own batch); results come back in input order.

#include <dc/detail/callable.hpp>
#include <dc/detail/calls.hpp>
#include <dc/detail/patterns.hpp>
#include <dc/errors.hpp>
#include <dc/future.hpp>
#include <dc/procs.hpp>
#include <dc/remotecall.hpp>
#include <dc/worker_pool.hpp>

#include <algorithm>
#include <any>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace dc {

struct pmap_options {
    /// Items per message; 0 picks one that keeps tiny items cheap and still spreads the work
    /// (about 8 batches per worker, at least 1 item).
    std::size_t batch_size = 0;
    /// If set, an item whose call throws gets on_error(exception) in its place (the std::any
    /// must hold the result type) instead of pmap throwing.
    std::function<std::any(const std::exception&)> on_error;
    /// When a worker dies, its batch is retried on other workers after each of these delays
    /// (seconds); with none, pmap throws dc::process_exited naming the worker.
    std::vector<double> retry_delays;
    /// Show a progress bar on stderr (only when stderr is a terminal).
    bool progress = false;
    /// false: run on threads of this process instead of workers.
    bool distributed = true;
    /// Workers to use; default: dc::default_worker_pool().
    worker_pool* pool = nullptr;
};

namespace detail {

/// What a worker sends back for one batch.
template <class R> struct batch_result {
    std::vector<R> values;             ///< one per item (default-constructed where it failed)
    std::vector<std::uint32_t> failed; ///< indices of items that threw (with on_error)
    std::vector<std::string> types;    ///< exception type of each failed item
    std::vector<std::string> messages; ///< and its what()
    template <class A> void serialize(A& ar) { ar(values, failed, types, messages); }
};

template <class F, class T, class R>
batch_result<R> run_batch(callable<F> fn, std::vector<T> items, bool catch_each) {
    auto f = fn.get();
    batch_result<R> out;
    out.values.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!catch_each) {
            out.values.push_back(f(items[i]));
            continue;
        }
        try {
            out.values.push_back(f(items[i]));
        } catch (...) {
            out.values.emplace_back();
            out.failed.push_back(static_cast<std::uint32_t>(i));
            auto [type, message] = describe_current_exception();
            out.types.push_back(std::move(type));
            out.messages.push_back(std::move(message));
        }
    }
    return out;
}

inline std::size_t auto_batch_size(std::size_t items, std::size_t workers) {
    return std::max<std::size_t>(1, items / (8 * std::max<std::size_t>(1, workers)));
}

/// The results, once every item has one.
template <class R> std::vector<R> unwrap(std::vector<std::optional<R>>& results) {
    std::vector<R> values;
    values.reserve(results.size());
    for (auto& v : results)
        values.push_back(std::move(*v));
    return values;
}

template <class R> R error_value(const pmap_options& o, const std::exception& e) {
    return std::any_cast<R>(o.on_error(e));
}

template <class F, class T, class R>
std::vector<R> pmap_threads(F f, const std::vector<T>& xs, const pmap_options& o) {
    std::vector<std::optional<R>> out(xs.size());
    std::atomic<std::size_t> next{0};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    auto work = [&] {
        for (std::size_t i = next++; i < xs.size(); i = next++) {
            try {
                out[i] = f(xs[i]);
            } catch (const std::exception& e) {
                if (o.on_error) {
                    out[i] = error_value<R>(o, e);
                    continue;
                }
                std::lock_guard lock(error_mutex);
                if (!first_error) first_error = std::current_exception();
                next = xs.size();
            }
        }
    };
    std::vector<std::thread> threads(std::max(1U, std::thread::hardware_concurrency()));
    for (auto& t : threads)
        t = std::thread(work);
    for (auto& t : threads)
        t.join();
    if (first_error) std::rethrow_exception(first_error);
    return unwrap(out);
}

} // namespace detail

/// Applies f to every item of xs on the workers and returns the results in order. Throws the
/// first remote error as dc::remote_exception (unless o.on_error is set) and dc::process_exited
/// when a worker dies and o.retry_delays are used up.
template <class F, class T> auto pmap(F f, const std::vector<T>& xs, const pmap_options& o = {}) {
    using R = std::decay_t<std::invoke_result_t<F, const T&>>;
    if (!o.distributed) return detail::pmap_threads<F, T, R>(f, xs, o);
    worker_pool& pool = o.pool ? *o.pool : default_worker_pool();
    const std::size_t batch =
        o.batch_size ? o.batch_size : detail::auto_batch_size(xs.size(), pool.size());
    const std::size_t batches = (xs.size() + batch - 1) / batch;

    struct flight {
        std::size_t index;
        int worker;
        future<detail::batch_result<R>> result;
    };
    std::vector<std::size_t> queue(batches);
    for (std::size_t i = 0; i < batches; ++i)
        queue[batches - 1 - i] = i; // pop_back = in order
    std::vector<std::size_t> attempts(batches, 0);
    std::vector<flight> flying;
    std::vector<std::optional<R>> out(xs.size());
    detail::pmap_progress bar(o.progress, xs.size());

    // A pmap that throws first lets the batches still running finish (their results are
    // dropped), so every worker it took is idle again when the exception reaches the caller.
    // An interrupted pmap does not wait: each worker goes back when its batch ends.
    struct give_back_on_throw {
        std::vector<flight>& flying;
        worker_pool& pool;
        bool interrupted = false;
        ~give_back_on_throw() {
            if (flying.empty()) return; // returned normally, or nothing was running
            std::vector<std::shared_ptr<detail::ref_state>> states;
            states.reserve(flying.size());
            for (auto& fl : flying)
                states.push_back(fl.result.state());
            if (!interrupted) detail::wait_for_all(states);
            for (std::size_t i = 0; i < flying.size(); ++i) {
                auto* state = states[i].get(); // alive when its own callback runs
                state->on_settled([p = pool, w = flying[i].worker, state]() mutable {
                    if (state->current() == detail::ref_state::status::failed) {
                        p.remove(w);
                    } else {
                        p.put_back(w);
                    }
                });
            }
        }
    } guard{flying, pool};
    try {
        while (!queue.empty() || !flying.empty()) {
            while (!queue.empty()) { // send a batch to every idle worker
                auto worker = pool.try_take();
                if (!worker && flying.empty())
                    worker = pool.take(); // throws when the pool is empty
                if (!worker) {
                    detail::note_waiting_work(queue.size()); // dc::adapt may start workers
                    break;
                }
                const std::size_t b = queue.back();
                const std::size_t lo = b * batch, hi = std::min(xs.size(), lo + batch);
                try {
                    flying.push_back({b, *worker,
                                      future<detail::batch_result<R>>(detail::send_call(
                                          &detail::run_batch<F, T, R>, *worker,
                                          detail::call_mode::fetch, detail::callable<F>::of(f),
                                          std::vector<T>(xs.begin() + lo, xs.begin() + hi),
                                          static_cast<bool>(o.on_error)))});
                    queue.pop_back();
                } catch (const process_exited&) {
                    pool.remove(*worker);
                }
            }
            std::vector<std::shared_ptr<detail::ref_state>> states;
            states.reserve(flying.size());
            for (auto& fl : flying)
                states.push_back(fl.result.state());
            const std::size_t k = detail::wait_for_any(states);
            flight fl = std::move(flying[k]);
            flying.erase(flying.begin() + static_cast<long>(k));
            const std::size_t lo = fl.index * batch;
            try {
                auto r = std::move(fl.result).fetch();
                pool.put_back(fl.worker);
                for (std::size_t i = 0; i < r.values.size(); ++i)
                    out[lo + i] = std::move(r.values[i]);
                for (std::size_t e = 0; e < r.failed.size(); ++e) {
                    out[lo + r.failed[e]] = detail::error_value<R>(
                        o, remote_exception(fl.worker, r.types[e], r.messages[e]));
                }
                bar.advance(r.values.size());
            } catch (const process_exited& e) {
                pool.remove(fl.worker);
                if (attempts[fl.index] >= o.retry_delays.size()) throw;
                detail::note_batch_retry(fl.index, fl.worker);
                std::this_thread::sleep_for(
                    std::chrono::duration<double>(o.retry_delays[attempts[fl.index]++]));
                queue.push_back(fl.index);
            } catch (const remote_exception&) {
                pool.put_back(fl.worker);
                throw;
            }
        }
    } catch (const interrupted_error&) {
        guard.interrupted = true;
        throw;
    }
    detail::note_waiting_work(0);
    bar.finish();
    return detail::unwrap(out);
}

} // namespace dc
