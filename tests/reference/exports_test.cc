// The shared object exports the WSK registration entry points and the
// reference.h knobs, and nothing of its internals.
#include <dlfcn.h>

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

}  // namespace
