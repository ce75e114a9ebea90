#include <dc/dc.hpp>
void fill(std::vector<int>& out) {
    out.push_back(1);
}
int main() {
    std::vector<int> v;
    dc::remotecall_fetch(fill, 2, v);
}
