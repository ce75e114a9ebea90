#include <dc/detail/chunk_store.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "futures/value_store.hpp"

#include <mutex>
#include <unordered_map>

namespace dc::detail {
namespace {
std::mutex mutex;
std::unordered_map<std::uint64_t, std::shared_ptr<void>>& chunks() {
    static std::unordered_map<std::uint64_t, std::shared_ptr<void>> c;
    return c;
}
} // namespace

std::shared_ptr<void> find_chunk(std::uint64_t id) {
    std::lock_guard lock(mutex);
    auto it = chunks().find(id);
    return it == chunks().end() ? nullptr : it->second;
}

void keep_chunk(std::uint64_t id, std::shared_ptr<void> chunk) {
    std::lock_guard lock(mutex);
    chunks()[id] = std::move(chunk);
}

void free_chunk(std::uint64_t id) {
    std::lock_guard lock(mutex);
    chunks().erase(id);
}

std::size_t chunk_count() {
    std::lock_guard lock(mutex);
    return chunks().size();
}

std::uint64_t new_array_id() {
    return cluster_context::current().new_request_id();
}

} // namespace dc::detail
