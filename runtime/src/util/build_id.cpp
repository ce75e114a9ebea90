#include "util/build_id.hpp"

#include <elf.h>
#include <link.h>

#include <cstdio>

namespace dc::detail {
namespace {

std::string note_to_hex(const unsigned char* desc, std::size_t size) {
    std::string hex;
    char buf[3];
    for (std::size_t i = 0; i < size; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", desc[i]);
        hex += buf;
    }
    return hex;
}

// Scans the PT_NOTE segments of the first object dl_iterate_phdr reports: the main program.
int find_build_id(dl_phdr_info* info, std::size_t, void* out) {
    auto& result = *static_cast<std::string*>(out);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const auto& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE) continue;
        auto* p = reinterpret_cast<const unsigned char*>( // NOLINT(performance-no-int-to-ptr)
            info->dlpi_addr + ph.p_vaddr);
        const unsigned char* end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const unsigned char* name = p + sizeof(ElfW(Nhdr));
            const unsigned char* desc = name + ((note->n_namesz + 3) & ~3U);
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4) {
                result = note_to_hex(desc, note->n_descsz);
                return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3U);
        }
    }
    return 1; // only the main program
}

} // namespace

const std::string& main_build_id() {
    static const std::string id = [] {
        std::string found;
        dl_iterate_phdr(find_build_id, &found);
        return found;
    }();
    return id;
}

} // namespace dc::detail
