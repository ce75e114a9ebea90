#include <dc/detail/tree.hpp>

#include "context/cluster_context.hpp"
#include "errors/remote_error.hpp"

#include <dc/errors.hpp>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string>

namespace dc::detail {

namespace {
thread_local std::uint64_t weighted_handles = 0;
} // namespace

std::uint64_t weighted_handles_encoded() noexcept {
    return weighted_handles;
}
void note_weighted_handle_encoded() noexcept {
    ++weighted_handles;
}

int tree_degree(std::size_t payload) {
    if (!cluster_context::current().peers_may_link()) return INT_MAX; // flat: workers cannot link
    constexpr std::size_t large = std::size_t{1} << 20;
    const int fallback = payload >= large ? 2 : 8;
    const char* text = std::getenv("DC_TREE_DEGREE");
    if (!text || !*text) return fallback;
    char* end = nullptr;
    const long degree = std::strtol(text, &end, 10);
    if (*end != '\0' || degree < 2) return fallback; // documented: at least 2
    return static_cast<int>(std::min<long>(degree, 1L << 30));
}

std::vector<std::span<const int>> tree_groups(std::span<const int> members, int degree) {
    std::vector<std::span<const int>> groups;
    const std::size_t n = members.size();
    const std::size_t k = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(degree, 1)));
    for (std::size_t i = 0; i < k; ++i) {
        const std::size_t lo = n * i / k, hi = n * (i + 1) / k;
        if (lo < hi) groups.push_back(members.subspan(lo, hi - lo));
    }
    return groups;
}

void tree_failures::add_own_current() {
    auto& here = cluster_context::current();
    entries_.push_back({describe_failed_call(here.id(), here.host(), {}), false});
}

void tree_failures::add_current_from(int pid) {
    entry e;
    try {
        throw;
    } catch (const process_exited& x) {
        e.exited = true;
        e.info.pid = x.pid();
        e.info.type = "dc::process_exited";
        e.info.message = x.detail();
    } catch (const remote_exception& x) {
        e.info = {x.pid(),    x.type_name(), x.message(),   x.host(),
                  x.os_pid(), x.function(),  x.stacktrace()};
    } catch (const std::exception& x) { // the link to it failed in another way
        e.exited = true;
        e.info.pid = pid;
        e.info.message = x.what();
    }
    entries_.push_back(std::move(e));
}

void tree_failures::add(const error_info& own) {
    entries_.push_back({own, false});
}

void tree_failures::add(const tree_failures& more) {
    entries_.insert(entries_.end(), more.entries_.begin(), more.entries_.end());
}

void tree_failures::add_unreached(std::span<const int> pids, const std::string& why) {
    for (int pid : pids) {
        entry e;
        e.exited = true;
        e.info.pid = pid;
        e.info.message = why;
        entries_.push_back(std::move(e));
    }
}

void tree_failures::sort() {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const entry& a, const entry& b) { return a.info.pid < b.info.pid; });
}

std::vector<int> tree_failures::pids() const {
    std::vector<int> ids;
    for (const auto& e : entries_)
        ids.push_back(e.info.pid);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::exception_ptr> tree_failures::exceptions() const {
    auto sorted = *this;
    sorted.sort();
    std::vector<std::exception_ptr> errors;
    for (const auto& e : sorted.entries_) {
        errors.push_back(e.exited
                             ? std::make_exception_ptr(process_exited(e.info.pid, e.info.message))
                             : std::make_exception_ptr(to_exception(e.info)));
    }
    return errors;
}

void tree_failures::rethrow_first() const {
    const auto errors = exceptions();
    if (errors.empty()) throw dc::error("tree_failures::rethrow_first: no failure");
    std::rethrow_exception(errors.front());
}

} // namespace dc::detail
