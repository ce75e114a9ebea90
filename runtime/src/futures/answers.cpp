#include "futures/answers.hpp"

#include "protocol/heads.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>

namespace dc::detail {

void send_answer(cluster_context& here, int pid, std::uint64_t req, bool with_value,
                 const value_store::stored& s) {
    const bytes head =
        encode_head(answer_head{with_value ? kind::result : kind::done, req, s.is_error});
    try {
        if (with_value) {
            here.send(pid, head, *s.data);
        } else {
            here.send(pid, head);
        }
    } catch (const dc::error& e) {
        DC_LOG(debug, "cannot answer process " << pid << ": " << e.what());
    }
}

} // namespace dc::detail
