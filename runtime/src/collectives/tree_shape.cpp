// The shape of a collective's tree (its degree and groups), and the count of weighted handles
// that decides whether a collective's arguments may be decoded more than once.

#include <dc/detail/tree.hpp>

#include "context/cluster_context.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>

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

} // namespace dc::detail
