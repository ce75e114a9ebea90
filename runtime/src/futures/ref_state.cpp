#include <dc/detail/ref_state.hpp>
#include <dc/detail/tree.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "engine/interrupts.hpp"
#include "errors/remote_error.hpp"
#include "futures/value_store.hpp"
#include "protocol/heads.hpp"
#include "trace/trace_log.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>

namespace dc::detail {
namespace {

bytes request_head(kind k, std::uint64_t req, std::uint64_t ref) {
    return encode_head(fetch_head{k, req, ref});
}

} // namespace

ref_state::ref_state(std::uint64_t id, int owner, std::int64_t weight, arrival expected)
    : id_(id), owner_(owner), expected_(expected), weight_(weight) {}

ref_state::~ref_state() {
    try {
        release_weight();
    } catch (...) { // the owner is gone: nothing to return the weight to
    }
}

std::shared_ptr<ref_state> ref_state::make_here(int owner, bytes value, bool is_error) {
    auto s = std::make_shared<ref_state>(0, owner, 0, arrival::value);
    s->on_value(std::make_shared<const bytes>(std::move(value)), 0, is_error);
    return s;
}

std::shared_ptr<ref_state> ref_state::adopt(ref_handle&& h) {
    if (h.has_value) return make_here(h.owner, std::move(h.value), h.is_error);
    return std::make_shared<ref_state>(h.id, h.owner, h.weight, arrival::nothing);
}

void ref_state::release_weight() {
    std::int64_t weight;
    {
        std::lock_guard lock(mutex_);
        weight = weight_;
        weight_ = 0;
    }
    if (weight <= 0 || !cluster_context::alive()) return;
    auto& rt = cluster_context::current();
    if (owner_ == rt.id()) return rt.store().release(id_, weight);
    rt.send(owner_, encode_head(release_head{kind::release, id_, weight}));
}

void ref_state::rethrow_if_failed() {
    if (current() != status::failed) return;
    std::lock_guard lock(mutex_);
    std::rethrow_exception(error_);
}

// A handle received from another process for a value this process holds: read the store.
// (States of calls and requests made here are answered by messages even when local.)
bool ref_state::in_local_store() const {
    return expected_ == arrival::nothing && owner_ == cluster_context::current().id();
}

bool ref_state::isready() {
    if (current() != status::pending) return true;
    auto& rt = cluster_context::current();
    if (in_local_store()) {
        auto s = rt.store().get(id_, std::nullopt);
        return s.has_value();
    }
    bool subscribe = false;
    {
        std::lock_guard lock(mutex_);
        subscribe = expected_ == arrival::nothing && !watching_;
        watching_ = true;
    }
    if (subscribe) {
        auto req = rt.new_request_id();
        rt.expect(req, owner_, shared_from_this());
        rt.send(owner_, request_head(kind::watch, req, id_));
    }
    // Give messages already here a chance to be read; never blocks.
    rt.io().wait_until([this] { return current() != status::pending; },
                       engine::clock::now() + std::chrono::microseconds(20));
    return current() != status::pending;
}

void ref_state::wait() {
    auto& rt = cluster_context::current();
    if (in_local_store() && current() == status::pending) {
        rt.io().wait_until([&] { return rt.store().get(id_, std::nullopt).has_value(); });
        if (rt.store().get(id_, std::nullopt)->is_error) fetch_bytes();
        return;
    }
    if (!isready()) rt.io().wait_until([this] { return current() != status::pending; });
    rethrow_if_failed();
    if (remote_error_) fetch_bytes(); // throws the remote exception
}

std::span<const char> ref_state::fetch_bytes() {
    auto& rt = cluster_context::current();
    if (current() != status::here && current() != status::failed) {
        if (in_local_store()) {
            std::optional<value_store::stored> s;
            rt.io().wait_until([&] { return (s = rt.store().get(id_, std::nullopt)).has_value(); });
            on_value(s->data, 0, s->is_error);
        } else {
            if (expected_ == arrival::nothing || expected_ == arrival::done) {
                auto req = rt.new_request_id();
                rt.expect(req, owner_, shared_from_this());
                if (trace::enabled()) trace::request_sent(req, owner_, "fetch", 0);
                try {
                    rt.send(owner_, request_head(kind::fetch, req, id_));
                } catch (...) {
                    rt.forget(req);
                    throw;
                }
            }
            rt.io().wait_until(
                [this] { return current() == status::here || current() == status::failed; });
        }
        if (current() == status::here) release_weight(); // the value lives here now
    }
    rethrow_if_failed();
    std::lock_guard lock(mutex_);
    std::span<const char> value(data_->data() + offset_, data_->size() - offset_);
    if (remote_error_) {
        throw to_exception(decode_as<error_info>(value));
    }
    return value;
}

std::optional<ref_handle> ref_state::share() {
    ref_handle h;
    h.id = id_;
    h.owner = owner_;
    // Under the lock: a fetch on another thread turns the state to `here`, then returns this
    // process's weight and drops the encoded value, each under the lock.
    std::unique_lock lock(mutex_);
    if (current() == status::here) {
        if (!data_ || placed_) return std::nullopt; // only the decoded value has it all
        h.has_value = true;
        h.is_error = remote_error_;
        h.value.assign(data_->begin() + static_cast<long>(offset_), data_->end());
        return h;
    }
    note_weighted_handle_encoded(); // a share of the weight: to be decoded once
    if (weight_ < 2) { // used up (62 halvings: a chain of shares): ask the owner for more
        lock.unlock();
        auto& rt = cluster_context::current();
        if (owner_ == rt.id()) {
            rt.store().add_weight(id_, value_store::top_up_weight);
        } else {
            auto ack = std::make_shared<ref_state>(0, owner_, 0, arrival::value);
            auto req = rt.new_request_id();
            rt.expect(req, owner_, ack);
            rt.send(owner_, encode_head(add_weight_head{kind::add_weight, req, id_,
                                                        value_store::top_up_weight}));
            ack->fetch_bytes();
        }
        lock.lock();
        weight_ += value_store::top_up_weight;
    }
    h.weight = weight_ / 2;
    weight_ -= h.weight;
    return h;
}

ref_handle ref_state::share_inline(bytes value) const {
    ref_handle h;
    h.id = id_;
    h.owner = owner_;
    h.has_value = true;
    h.value = std::move(value);
    return h;
}

void ref_state::drop_encoded() noexcept {
    std::lock_guard lock(mutex_);
    if (!remote_error_) data_.reset();
}

void ref_state::set_sink(sink s) {
    std::lock_guard lock(mutex_);
    sink_ = std::move(s);
}

void ref_state::abandon_sink() noexcept {
    bool receiving = false;
    {
        std::lock_guard lock(mutex_);
        sink_ = nullptr;
        receiving = placing_.load();
    }
    if (!receiving || current() != status::pending) return;
    try {
        uninterruptible shield;
        cluster_context::current().io().wait_until([this] { return current() != status::pending; });
    } catch (...) { // the sender died: the transfer has ended too
    }
}

char* ref_state::place(std::size_t encoded_size, std::size_t& skip) {
    std::lock_guard lock(mutex_);
    if (!sink_) return nullptr;
    char* where = sink_(encoded_size, skip);
    placing_ = where != nullptr;
    return where;
}

void ref_state::on_value(std::shared_ptr<const bytes> data, std::size_t offset, bool is_error) {
    placed_ = placing_.exchange(false);
    {
        std::lock_guard lock(mutex_);
        data_ = std::move(data);
        offset_ = offset;
        remote_error_ = is_error;
    }
    status_.store(status::here, std::memory_order_release);
    run_settled_callbacks();
}

void ref_state::on_done(bool is_error) {
    remote_error_ = is_error;
    status expected = status::pending;
    status_.compare_exchange_strong(expected, status::done, std::memory_order_acq_rel);
    run_settled_callbacks();
}

void ref_state::on_failed(std::exception_ptr e) {
    {
        std::lock_guard lock(mutex_);
        error_ = std::move(e);
    }
    if (current() != status::here) status_.store(status::failed, std::memory_order_release);
    run_settled_callbacks();
}

void ref_state::on_settled(std::function<void()> callback) {
    {
        std::lock_guard lock(mutex_);
        if (current() == status::pending) {
            settled_callbacks_.push_back(std::move(callback));
            return;
        }
    }
    callback();
}

void ref_state::run_settled_callbacks() {
    std::vector<std::function<void()>> callbacks;
    {
        std::lock_guard lock(mutex_);
        callbacks.swap(settled_callbacks_);
    }
    for (auto& cb : callbacks)
        cb();
}

std::shared_ptr<ref_state> ref_state::when_all(const std::vector<std::shared_ptr<ref_state>>& parts,
                                               int owner) {
    auto all = std::make_shared<ref_state>(0, owner, 0, arrival::value);
    struct progress {
        std::mutex mutex;
        std::size_t left;
        std::exception_ptr first_error;
    };
    auto p = std::make_shared<progress>();
    p->left = parts.size();
    if (parts.empty()) all->on_value(std::make_shared<const bytes>(), 0, false);
    for (const auto& part : parts) {
        part->on_settled([all, p, part] {
            std::exception_ptr error;
            // Parts are fetch-mode calls: a value or error is already here, so this never waits.
            if (part->current() == status::failed || part->remote_error_) {
                try {
                    part->fetch_bytes();
                } catch (...) {
                    error = std::current_exception();
                }
            }
            std::lock_guard lock(p->mutex);
            if (error && !p->first_error) p->first_error = error;
            if (--p->left > 0) return;
            if (p->first_error) {
                all->on_failed(p->first_error);
            } else {
                all->on_value(std::make_shared<const bytes>(), 0, false);
            }
        });
    }
    return all;
}

} // namespace dc::detail
