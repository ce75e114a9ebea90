#include <dc/dc.hpp>
int main() {
    int x = 1;
    return dc::remotecall_fetch([x] { return x; }, 2);
}
