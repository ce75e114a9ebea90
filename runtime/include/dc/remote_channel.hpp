#pragma once
// dc::remote_channel<T>: Julia's RemoteChannel. A bounded queue living on one process (its
// owner), usable from every process; the handle is cheap to pass to remote calls.

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/channel_handle.hpp>
#include <dc/errors.hpp>
#include <dc/procs.hpp>

#include <iterator>
#include <memory>
#include <optional>

namespace dc {

template <class T> class remote_channel {
public:
    /// A channel holding up to `capacity` items (0: every put waits for its take) on `owner`.
    /// Throws dc::process_exited if `owner` is not a live process.
    explicit remote_channel(std::size_t capacity = 1, int owner = dc::myid())
        : handle_(std::make_shared<detail::channel_handle>(capacity, owner)) {}

    /// Adds an item, waiting while the channel is full. Throws dc::channel_closed.
    void put(const T& item) {
        detail::bytes encoded;
        detail::encode_into(encoded, item);
        handle_->put(std::move(encoded));
    }
    /// Removes the oldest item, waiting while the channel is empty. Throws dc::channel_closed
    /// when the channel is closed and empty.
    T take() { return detail::decode_as<T>(handle_->take()); }
    /// Removes the oldest item if there is one.
    std::optional<T> try_take() {
        auto item = handle_->try_take();
        if (!item) return std::nullopt;
        return detail::decode_as<T>(*item);
    }
    /// Returns a copy of the oldest item without removing it, waiting while empty.
    T fetch() { return detail::decode_as<T>(handle_->fetch()); }
    /// True if an item can be taken now.
    bool isready() { return handle_->isready(); }
    /// No more puts; items already in the channel can still be taken.
    void close() { handle_->close(); }
    bool isopen() { return handle_->isopen(); }
    /// The process that holds the items.
    int where() const { return handle_->owner(); }

    /// Takes items until the channel is closed and empty: `for (auto x : ch) ...`.
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        explicit iterator(remote_channel* ch) : ch_(ch) { advance(); }
        const T& operator*() const { return *item_; }
        iterator& operator++() {
            advance();
            return *this;
        }
        bool operator==(const iterator& other) const { return ch_ == other.ch_; }

    private:
        void advance() {
            try {
                item_ = ch_->take();
            } catch (const channel_closed&) {
                ch_ = nullptr;
            }
        }
        remote_channel* ch_ = nullptr;
        std::optional<T> item_;
    };
    iterator begin() { return iterator(this); }
    iterator end() { return iterator(); }

    template <class A> void save(A& ar) const { ar(handle_->share()); }
    template <class A> void load(A& ar) {
        detail::channel_ref r;
        ar(r);
        handle_ = std::make_shared<detail::channel_handle>(r);
    }

    /// An empty handle to load into (no channel is created).
    explicit remote_channel(detail::for_loading_t) {}

private:
    std::shared_ptr<detail::channel_handle> handle_;
};

} // namespace dc
