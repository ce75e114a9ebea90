#pragma once
// Reductions up a fan-out tree (distributed_reduce, darray::reduce). Process ids[k] computes
// leaf k; each process of the tree combines its own leaf with its children's subtrees, in
// order, and answers its parent with one value. The caller receives `degree` values, not N.
// The shape is the one of dc/detail/tree.hpp; errors come back as a direct call's would.

#include <dc/detail/callable.hpp>
#include <dc/detail/tree.hpp>
#include <dc/remotecall.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace dc::detail {

/// A subtree's reduction, or the errors that prevented it.
template <class T> struct tree_partial {
    std::optional<T> value;
    tree_failures failures;

    template <class A> void save(A& ar) const {
        ar(value.has_value());
        if (value) ar(*value);
        ar(failures);
    }
    template <class A> void load(A& ar) {
        bool has = false;
        ar(has);
        if (has) {
            T v = empty_value<T>();
            ar(v);
            value.emplace(std::move(v));
        }
        ar(failures);
    }
};

template <class T> using tree_branches = std::vector<std::pair<int, future<tree_partial<T>>>>;

template <class T, class Op, class Leaf, class Ctx>
tree_partial<T> reduce_subtree(callable<Op> op, Ctx ctx, std::int64_t index, std::vector<int> ids,
                               std::int32_t degree);

/// Sends each group of `members` (leaves base, base+1, ...) to its first process.
template <class T, class Op, class Leaf, class Ctx>
tree_branches<T> reduce_branches(callable<Op> op, const Ctx& ctx, std::int64_t base,
                                 std::span<const int> members, std::int32_t degree,
                                 tree_failures& failures) {
    tree_branches<T> branches;
    for (auto group : tree_groups(members, degree)) {
        const std::int64_t at = base + (group.data() - members.data());
        try {
            branches.emplace_back(
                group[0], future<tree_partial<T>>(send_call(
                              &reduce_subtree<T, Op, Leaf, Ctx>, group[0], call_mode::fetch, op,
                              ctx, at, std::vector<int>(group.begin(), group.end()), degree)));
        } catch (const interrupted_error&) {
            throw;
        } catch (...) {
            failures.add_current_from(group[0]);
        }
    }
    return branches;
}

/// Folds the branches' values into `acc`, in order (after any value already there).
template <class T, class Op>
void combine_branches(callable<Op> op, tree_branches<T>& branches, tree_partial<T>& acc) {
    for (auto& [pid, branch] : branches) {
        try {
            auto part = std::move(branch).fetch();
            acc.failures.add(part.failures);
            if (!part.value || !acc.failures.empty()) continue;
            if (acc.value) {
                auto combine = op.get();
                acc.value.emplace(combine(std::move(*acc.value), std::move(*part.value)));
            } else {
                acc.value.emplace(std::move(*part.value));
            }
        } catch (const interrupted_error&) {
            throw;
        } catch (...) {
            acc.failures.add_current_from(pid);
        }
    }
    if (!acc.failures.empty()) acc.value.reset();
}

/// Runs on ids[0]: leaf `index` here, then the rest of `ids` below it.
template <class T, class Op, class Leaf, class Ctx>
tree_partial<T> reduce_subtree(callable<Op> op, Ctx ctx, std::int64_t index, std::vector<int> ids,
                               std::int32_t degree) {
    tree_partial<T> acc;
    auto branches = reduce_branches<T, Op, Leaf, Ctx>(
        op, ctx, index + 1, std::span<const int>(ids).subspan(1), degree, acc.failures);
    try {
        acc.value.emplace(Leaf{}(op, ctx, index));
    } catch (...) {
        acc.failures.add_own_current();
    }
    combine_branches(op, branches, acc);
    return acc;
}

/// The reduction with `op` of Leaf{}(op, ctx, k) computed on ids[k], for every k, in order.
/// Throws the first error in order, as the direct call to that process would have: a
/// dc::remote_exception naming the process whose leaf threw, or dc::process_exited.
template <class T, class Op, class Leaf, class Ctx>
T tree_reduce(callable<Op> op, const Ctx& ctx, const std::vector<int>& ids) {
    tree_partial<T> acc;
    auto branches = reduce_branches<T, Op, Leaf, Ctx>(op, ctx, 0, ids, tree_degree(), acc.failures);
    combine_branches(op, branches, acc);
    if (!acc.failures.empty()) acc.failures.rethrow_first();
    return std::move(*acc.value);
}

} // namespace dc::detail
