#pragma once
// Channel operations on the wire: kind::channel_op u64:req u64:channel u8:op | payload.
// The owner answers with a result frame for `req`.

#include <cstdint>

namespace dc::detail::channel_op {

enum : std::uint8_t {
    create = 1, ///< payload u64 capacity; answer empty
    put,        ///< payload item; answered once the item is accepted
    take,       ///< answer item (waits while empty)
    try_take,   ///< answer u8 found | item
    fetch,      ///< answer a copy of the oldest item (waits while empty)
    isready,    ///< answer u8
    close,      ///< answer empty
    isopen,     ///< answer u8
    release,    ///< payload i64 weight; no answer
    add_weight, ///< payload i64 weight; answer empty
    withdraw,   ///< payload u64 req of a waiting take/fetch/put of the sender (it was
                ///< interrupted); answer u8: 1 withdrawn (never answered), 0 already answered
};

} // namespace dc::detail::channel_op
