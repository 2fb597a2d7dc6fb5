// The shared object exports the WSK registration entry points and the
// reference.h knobs, and nothing of its internals.
#include <dlfcn.h>

#include <cstdlib>

#include <gtest/gtest.h>

namespace {

class SharedObject {
 public:
  SharedObject() : handle_(dlopen(WSKCONF_REFERENCE_SO_PATH, RTLD_NOW | RTLD_LOCAL)) {}
  ~SharedObject() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  void* handle() const { return handle_; }

 private:
  void* handle_;
};

TEST(ReferenceExports, RegistrationEntryPoints) {
  SharedObject so;
  ASSERT_NE(so.handle(), nullptr) << dlerror();
  for (const char* name :
       {"WskRegister", "WskDeregister", "WskCaptureProviderNPI", "WskReleaseProviderNPI",
        "WskQueryProviderCharacteristics", "WskconfReferenceSetPolicy",
        "WskconfReferenceSetPolicyFromString", "WskconfReferenceGetPolicy",
        "WskconfReferenceSetAvailable", "WskconfReferenceLiveSocketCount",
        "WskconfReferenceTransportListChanged"}) {
    EXPECT_NE(dlsym(so.handle(), name), nullptr) << name << " is not exported";
  }
}

TEST(ReferenceExports, InternalsHidden) {
  SharedObject so;
  ASSERT_NE(so.handle(), nullptr) << dlerror();
  // A C++ internal (mangled) and the kernel runtime, which comes from the
  // process (libwskconf_kernel.so), not from the provider.
  EXPECT_EQ(dlsym(so.handle(),
                  "_ZN7wskconf9reference8internal15StatusFromErrnoEi"),
            nullptr);
  Dl_info info{};
  void* alloc = dlsym(so.handle(), "IoAllocateIrp");
  ASSERT_NE(alloc, nullptr);  // found through the provider's dependency
  ASSERT_NE(dladdr(alloc, &info), 0);
  EXPECT_NE(std::string(info.dli_fname).find("libwskconf_kernel"), std::string::npos)
      << info.dli_fname;
}

// An unknown WSKCONF_POLICY is refused when the provider loads, naming the
// variable and the accepted values, instead of running under inline.
TEST(ReferenceExports, UnknownPolicyRefusedAtLoad) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh load in the child
  EXPECT_EXIT(
      {
        setenv("WSKCONF_POLICY", "bogus", 1);
        void* handle = dlopen(WSKCONF_REFERENCE_SO_PATH, RTLD_NOW | RTLD_LOCAL);
        std::_Exit(handle == nullptr ? 3 : 0);
      },
      ::testing::ExitedWithCode(2),
      "WSKCONF_POLICY='bogus' is not an accepted value \\(inline, pend or "
      "random:SEED");
}

TEST(ReferenceExports, KnownPolicyAcceptedAtLoad) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("WSKCONF_POLICY", "random:7", 1);
        void* handle = dlopen(WSKCONF_REFERENCE_SO_PATH, RTLD_NOW | RTLD_LOCAL);
        std::_Exit(handle == nullptr ? 3 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
