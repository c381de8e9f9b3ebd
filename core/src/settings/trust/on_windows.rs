//! The Windows side of the trust check: security descriptors read from the system (a
//! file's, a folder's, or one written in SDDL for the tests) into the plain form that
//! [`super::windows::judge`] checks.

use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;
use std::ptr::null_mut;

use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW,
    GetNamedSecurityInfoW, GetSecurityInfo, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    GetAce, GetSecurityDescriptorDacl, GetSecurityDescriptorOwner, GetTokenInformation, TokenUser,
    ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, INHERIT_ONLY_ACE,
    OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID, TOKEN_QUERY, TOKEN_USER,
};
use windows_sys::Win32::System::SystemServices::ACCESS_ALLOWED_ACE_TYPE;
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

use super::verdict::Verdict;
use super::windows::{verdict, Ace, Descriptor};

/// Whether `file` and its `folder` are the system's; `also` is a SID trusted besides the
/// system's.
pub fn check(file: &std::fs::File, folder: &Path, also: Option<String>) -> Verdict {
    let check = |what: &str, descriptor: Result<Descriptor, String>| match descriptor {
        Ok(d) => verdict(what, &d, also.as_deref()),
        Err(e) => Verdict::Exposed(format!("{what} cannot be checked: {e}")),
    };
    check(
        "the file",
        descriptor_of_handle(file.as_raw_handle() as HANDLE),
    )
    .and(check("its folder", descriptor_of(folder)))
}

/// Whether the entry at `path` and its `folder`, links and junctions not followed, are the
/// system's; `None` when either is missing.
pub fn check_named(path: &Path, folder: &Path, also: Option<String>) -> Option<Verdict> {
    let check = |what: &str, at: &Path| {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::{
            FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, READ_CONTROL,
        };
        // The entry itself, a folder as well as a file, a link rather than what it names.
        let entry = std::fs::OpenOptions::new()
            .access_mode(READ_CONTROL)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
            .open(at);
        let descriptor = match entry {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => Err(e.to_string()),
            Ok(entry) => descriptor_of_handle(entry.as_raw_handle() as HANDLE),
        };
        Some(match descriptor {
            Ok(d) => verdict(what, &d, also.as_deref()),
            Err(e) => Verdict::Exposed(format!("{what} cannot be checked: {e}")),
        })
    };
    Some(check("its folder", folder)?.and(check("the file", path)?))
}

/// A security descriptor the system allocated, freed when dropped.
struct Owned(PSECURITY_DESCRIPTOR);

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: allocated by the system for us, with LocalAlloc; freed once.
        unsafe { LocalFree(self.0) };
    }
}

/// The owner and the DACL of a file or folder, by path.
pub fn descriptor_of(path: &Path) -> Result<Descriptor, String> {
    let wide: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
    // SAFETY: `wide` is a NUL-terminated path; the out pointers are valid.
    allocated(|sd| unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            WHAT,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            sd,
        )
    })
}

fn descriptor_of_handle(handle: HANDLE) -> Result<Descriptor, String> {
    // SAFETY: `handle` is an open file's; the out pointers are valid.
    allocated(|sd| unsafe {
        GetSecurityInfo(
            handle,
            SE_FILE_OBJECT,
            WHAT,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            sd,
        )
    })
}

/// What is read of a descriptor: its owner and its DACL.
const WHAT: u32 = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;

/// Reads the descriptor `get` has the system allocate (answering a Win32 error code), and
/// frees it.
fn allocated(get: impl FnOnce(*mut PSECURITY_DESCRIPTOR) -> u32) -> Result<Descriptor, String> {
    let mut sd: PSECURITY_DESCRIPTOR = null_mut();
    let error = get(&mut sd);
    if error != 0 {
        return Err(format!("error {error}"));
    }
    let sd = Owned(sd);
    read(sd.0)
}

/// A descriptor written in SDDL (`O:SYD:(A;;FA;;;SY)…`), as the system parses it.
pub fn descriptor_from_sddl(sddl: &str) -> Result<Descriptor, String> {
    let wide: Vec<u16> = sddl.encode_utf16().chain([0]).collect();
    let mut sd: PSECURITY_DESCRIPTOR = null_mut();
    // SAFETY: `wide` is NUL-terminated; `sd` is freed.
    let ok = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            wide.as_ptr(),
            SDDL_REVISION_1,
            &mut sd,
            null_mut(),
        )
    };
    if ok == 0 {
        return Err("not a security descriptor".into());
    }
    let sd = Owned(sd);
    read(sd.0)
}

/// The owner and the DACL of a descriptor.
fn read(sd: PSECURITY_DESCRIPTOR) -> Result<Descriptor, String> {
    let (mut owner, mut defaulted): (PSID, i32) = (null_mut(), 0);
    let (mut present, mut dacl): (i32, *mut ACL) = (0, null_mut());
    // SAFETY: `sd` is a valid descriptor; the out pointers are valid.
    unsafe {
        if GetSecurityDescriptorOwner(sd, &mut owner, &mut defaulted) == 0 || owner.is_null() {
            return Err("no owner".into());
        }
        if GetSecurityDescriptorDacl(sd, &mut present, &mut dacl, &mut defaulted) == 0 {
            return Err("no access list".into());
        }
    }
    let owner = sid_string(owner)?;
    if present == 0 || dacl.is_null() {
        return Ok(Descriptor { owner, dacl: None });
    }
    let mut aces = Vec::new();
    // SAFETY: `dacl` points into `sd`, which outlives this loop; each ACE is read only as
    // far as its header says, and the SID of an access-allowed ACE starts at `SidStart`.
    unsafe {
        for index in 0..(*dacl).AceCount as u32 {
            let mut ace = null_mut();
            if GetAce(dacl, index, &mut ace) == 0 {
                return Err("an unreadable access entry".into());
            }
            let header = &*(ace as *const ACE_HEADER);
            let allows = header.AceType as u32 == ACCESS_ALLOWED_ACE_TYPE;
            let (mask, sid) = if allows {
                let allowed = ace as *const ACCESS_ALLOWED_ACE;
                let sid = std::ptr::addr_of!((*allowed).SidStart) as PSID;
                ((*allowed).Mask, sid_string(sid)?)
            } else {
                (0, String::new())
            };
            aces.push(Ace {
                allows,
                inherit_only: header.AceFlags as u32 & INHERIT_ONLY_ACE != 0,
                mask,
                sid,
            });
        }
    }
    Ok(Descriptor {
        owner,
        dacl: Some(aces),
    })
}

fn sid_string(sid: PSID) -> Result<String, String> {
    let mut text = null_mut();
    // SAFETY: `sid` is a valid SID; the string is freed with LocalFree.
    unsafe {
        if ConvertSidToStringSidW(sid, &mut text) == 0 {
            return Err("an unreadable SID".into());
        }
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        let string = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
        LocalFree(text as _);
        Ok(string)
    }
}

/// The SID of the user this process runs as.
pub fn current_user_sid() -> Option<String> {
    let mut token: HANDLE = null_mut();
    // SAFETY: the pseudo-handle of this process; `token` is closed below; the buffer is as
    // large as the system asked for, and aligned for TOKEN_USER.
    unsafe {
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return None;
        }
        let mut len = 0u32;
        GetTokenInformation(token, TokenUser, null_mut(), 0, &mut len);
        let mut buffer = vec![0u64; (len as usize).div_ceil(8)];
        let ok = GetTokenInformation(token, TokenUser, buffer.as_mut_ptr().cast(), len, &mut len);
        CloseHandle(token);
        if ok == 0 {
            return None;
        }
        let user = &*(buffer.as_ptr() as *const TOKEN_USER);
        sid_string(user.User.Sid).ok()
    }
}
