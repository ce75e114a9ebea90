#include <dc/detail/tree.hpp>

#include "context/cluster_context.hpp"
#include "errors/remote_error.hpp"

#include <dc/errors.hpp>

#include <algorithm>
#include <string>

namespace dc::detail {

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
