#pragma once
// The chunks of distributed arrays that this process holds, and the per-chunk operations that
// darray runs on the workers (instantiated at the call site for the element type).

#include <dc/detail/callable.hpp>
#include <dc/errors.hpp>

#include <cereal/types/vector.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace dc::detail {

std::shared_ptr<void> find_chunk(std::uint64_t id);
void keep_chunk(std::uint64_t id, std::shared_ptr<void> chunk);
void free_chunk(std::uint64_t id);
std::size_t chunk_count();
std::uint64_t new_array_id();

/// How a distributed array is laid out: process pids[k] holds [offsets[k], offsets[k+1]).
struct darray_layout {
    std::uint64_t id = 0;
    std::vector<int> pids;
    std::vector<std::int64_t> offsets;
    template <class A> void serialize(A& ar) { ar(id, pids, offsets); }
};

template <class T> std::vector<T>& chunk(std::uint64_t id) {
    auto p = find_chunk(id);
    if (!p)
        throw dc::error("this process holds no chunk of distributed array " + std::to_string(id));
    return *static_cast<std::vector<T>*>(p.get());
}

template <class T> void store_chunk(std::uint64_t id, std::vector<T> data) {
    keep_chunk(id, std::make_shared<std::vector<T>>(std::move(data)));
}

template <class T> std::vector<T> get_chunk(std::uint64_t id) {
    return chunk<T>(id);
}

template <class F, class T, class R>
void map_chunk(callable<F> fn, std::uint64_t from, std::uint64_t to) {
    const auto& source = chunk<T>(from);
    auto f = fn.get();
    std::vector<R> out;
    out.reserve(source.size());
    for (const auto& x : source)
        out.push_back(f(x));
    store_chunk(to, std::move(out));
}

template <class Op, class T> T reduce_chunk(callable<Op> op, std::uint64_t id) {
    const auto& c = chunk<T>(id);
    auto combine = op.get();
    T acc = c.front();
    for (std::size_t i = 1; i < c.size(); ++i)
        acc = combine(std::move(acc), c[i]);
    return acc;
}

/// This process's chunk of array `id`, reduced (a leaf of darray::reduce's tree).
template <class T> struct chunk_leaf {
    template <class Op> T operator()(callable<Op> op, std::uint64_t id, std::int64_t) const {
        return reduce_chunk<Op, T>(op, id);
    }
};

template <class T> void fill_chunk(std::uint64_t id, std::size_t n, T value) {
    store_chunk(id, std::vector<T>(n, value));
}

inline void rand_chunk(std::uint64_t id, std::size_t n, std::uint64_t seed) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u;
    std::vector<double> v(n);
    for (auto& x : v)
        x = u(gen);
    store_chunk(id, std::move(v));
}

} // namespace dc::detail
