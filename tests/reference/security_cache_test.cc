// WSK_CACHE_SD and WSK_RELEASE_SD on the reference provider: cached copies
// are self-relative, shared by identical descriptors, counted, usable at
// socket creation, and malformed input is refused with the NT status.
#include <cstring>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

// S-1-5-18 (LocalSystem) and an empty ACL, in Windows' layouts.
constexpr unsigned char kSystemSid[12] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
constexpr unsigned char kEmptyAcl[8] = {2, 0, 8, 0, 0, 0, 0, 0};
constexpr USHORT kSelfRelative = 0x8000;
constexpr USHORT kDaclPresent = 0x0004;

// The self-relative form: owner at 20, DACL at 32.
struct RelativeDescriptor {
  unsigned char bytes[40];
  RelativeDescriptor() {
    std::memset(bytes, 0, sizeof(bytes));
    bytes[0] = 1;
    USHORT control = kSelfRelative | kDaclPresent;
    std::memcpy(bytes + 2, &control, 2);
    ULONG owner = 20, dacl = 32;
    std::memcpy(bytes + 4, &owner, 4);
    std::memcpy(bytes + 16, &dacl, 4);
    std::memcpy(bytes + 20, kSystemSid, sizeof(kSystemSid));
    std::memcpy(bytes + 32, kEmptyAcl, sizeof(kEmptyAcl));
  }
};

// The absolute (pointer) form of the same descriptor, x64 layout.
struct AbsoluteDescriptor {
  UCHAR revision = 1;
  UCHAR sbz1 = 0;
  USHORT control = kDaclPresent;
  const void* owner = kSystemSid;
  const void* group = nullptr;
  const void* sacl = nullptr;
  const void* dacl = kEmptyAcl;
};
static_assert(sizeof(AbsoluteDescriptor) == 40, "SECURITY_DESCRIPTOR is 40 bytes on x64");

class SecurityCacheTest : public ReferenceTest {
 protected:
  NTSTATUS Cache(PSECURITY_DESCRIPTOR uncached, PSECURITY_DESCRIPTOR* cached,
                 SIZE_T in_size = sizeof(PSECURITY_DESCRIPTOR),
                 SIZE_T out_size = sizeof(PSECURITY_DESCRIPTOR)) {
    return client()->dispatch()->WskControlClient(client()->client(), WSK_CACHE_SD, in_size,
                                                  &uncached, out_size, cached, nullptr,
                                                  nullptr);
  }
  NTSTATUS Release(PSECURITY_DESCRIPTOR cached,
                   SIZE_T in_size = sizeof(PSECURITY_DESCRIPTOR)) {
    return client()->dispatch()->WskControlClient(client()->client(), WSK_RELEASE_SD, in_size,
                                                  &cached, 0, nullptr, nullptr, nullptr);
  }
};

TEST_F(SecurityCacheTest, CopyNeverReleasedIsReportedAtDeregister) {
  RecordClause("WSK_CACHE_SD.ReleasedWhenDone");
  RelativeDescriptor sd;
  PSECURITY_DESCRIPTOR cached = nullptr;
  ASSERT_EQ(Cache(sd.bytes, &cached), STATUS_SUCCESS);
  Deregister();  // without WSK_RELEASE_SD (released first, it is silent: the other tests)
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_F(SecurityCacheTest, CachedCopyIsSelfRelativeAndShared) {
  RecordClause("WSK_CACHE_SD.ReturnsCachedCopy");
  RelativeDescriptor relative;
  AbsoluteDescriptor absolute;
  PSECURITY_DESCRIPTOR first = nullptr, second = nullptr;
  ASSERT_EQ(Cache(relative.bytes, &first), STATUS_SUCCESS);
  ASSERT_NE(first, nullptr);
  EXPECT_NE(first, static_cast<PVOID>(relative.bytes));
  EXPECT_EQ(std::memcmp(first, relative.bytes, sizeof(relative.bytes)), 0);
  // The absolute form of the same descriptor is the same cached copy.
  ASSERT_EQ(Cache(&absolute, &second), STATUS_SUCCESS);
  EXPECT_EQ(second, first);
  // WSK_RELEASE_SD.ReleasesCachedCopy: once per caching, then it is gone.
  EXPECT_EQ(Release(first), STATUS_SUCCESS);
  EXPECT_EQ(Release(second), STATUS_SUCCESS);
  EXPECT_EQ(Release(first), STATUS_INVALID_PARAMETER);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_F(SecurityCacheTest, MalformedDescriptorsRefused) {
  PSECURITY_DESCRIPTOR cached = nullptr;
  RelativeDescriptor bad_revision;
  bad_revision.bytes[0] = 2;
  EXPECT_EQ(Cache(bad_revision.bytes, &cached), STATUS_UNKNOWN_REVISION);
  RelativeDescriptor bad_sid;
  bad_sid.bytes[20] = 3;
  EXPECT_EQ(Cache(bad_sid.bytes, &cached), STATUS_INVALID_SID);
  RelativeDescriptor bad_acl;
  bad_acl.bytes[32 + 2] = 6;  // AclSize below the header
  EXPECT_EQ(Cache(bad_acl.bytes, &cached), STATUS_INVALID_ACL);
  RelativeDescriptor bad_offset;
  ULONG inside_header = 8;
  std::memcpy(bad_offset.bytes + 4, &inside_header, 4);
  EXPECT_EQ(Cache(bad_offset.bytes, &cached), STATUS_INVALID_SECURITY_DESCR);
  EXPECT_EQ(cached, nullptr) << "nothing is written on failure";
}

TEST_F(SecurityCacheTest, SizesAndNullsChecked) {
  RecordClause("WSK_CACHE_SD.IrpMustBeNull");
  RelativeDescriptor relative;
  PSECURITY_DESCRIPTOR cached = nullptr;
  EXPECT_EQ(Cache(relative.bytes, &cached, 4), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Cache(relative.bytes, &cached, sizeof(PVOID), 4), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Cache(nullptr, &cached), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Cache(relative.bytes, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(client()->dispatch()->WskControlClient(client()->client(), WSK_CACHE_SD,
                                                   sizeof(PVOID), nullptr, sizeof(PVOID),
                                                   &cached, nullptr, nullptr),
            STATUS_INVALID_PARAMETER);
  // An IRP where the code takes none is completed with the failure.
  PSECURITY_DESCRIPTOR uncached = relative.bytes;
  IrpProbe probe;
  NTSTATUS returned = client()->dispatch()->WskControlClient(
      client()->client(), WSK_CACHE_SD, sizeof(PVOID), &uncached, sizeof(PVOID), &cached,
      nullptr, probe.Start());
  EXPECT_EQ(probe.Result(returned), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(cached, nullptr);
  // Release: a pointer the cache never handed out, wrong sizes.
  EXPECT_EQ(Release(relative.bytes), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Release(nullptr), STATUS_INVALID_PARAMETER);
  ASSERT_EQ(Cache(relative.bytes, &cached), STATUS_SUCCESS);
  EXPECT_EQ(Release(cached, 4), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Release(cached), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpNotAllowed"), 1) << "the mistakes made on purpose";
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 4);
}

class SecurityCacheFamilyTest : public FamilyTest {};

TEST_P(SecurityCacheFamilyTest, CachedCopyUsableAtCreation) {
  RecordClause("WSK_CACHE_SD.UsableAtCreation");
  RelativeDescriptor relative;
  PSECURITY_DESCRIPTOR uncached = relative.bytes, cached = nullptr;
  ASSERT_EQ(client()->dispatch()->WskControlClient(client()->client(), WSK_CACHE_SD,
                                                   sizeof(PVOID), &uncached, sizeof(PVOID),
                                                   &cached, nullptr, nullptr),
            STATUS_SUCCESS);
  for (PSECURITY_DESCRIPTOR sd : {cached, uncached}) {
    IrpProbe probe;
    NTSTATUS status = probe.Result(client()->dispatch()->WskSocket(
        client()->client(), family(), WS_SOCK_STREAM, WS_IPPROTO_TCP,
        WSK_FLAG_CONNECTION_SOCKET, nullptr, nullptr, nullptr, nullptr, sd, probe.Start()));
    if (sd == cached) {
      ASSERT_EQ(status, STATUS_SUCCESS) << StatusName(status);
      EXPECT_EQ(CloseSocket(reinterpret_cast<PWSK_SOCKET>(probe.information())),
                STATUS_SUCCESS);
    } else {
      // WSK_CACHE_SD.OnlyCachedForSockets: an uncached one is refused.
      EXPECT_EQ(status, STATUS_INVALID_PARAMETER) << StatusName(status);
    }
  }
  EXPECT_EQ(client()->dispatch()->WskControlClient(client()->client(), WSK_RELEASE_SD,
                                                   sizeof(PVOID), &cached, 0, nullptr, nullptr,
                                                   nullptr),
            STATUS_SUCCESS);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

WSKCONF_FAMILY_TESTS(SecurityCacheFamilyTest);

}  // namespace
}  // namespace wskconf::reference::testing
