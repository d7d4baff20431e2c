#!/usr/bin/env bash
# make-root.sh — build an i386 Debian 12 (bookworm) root filesystem in a
# directory, for running real 32-bit programs under memsim (or qemu-i386 -L).
#
#   scripts/make-root.sh DIR [PKG...]
#   e.g. scripts/make-root.sh build/root coreutils bash perl-base python3-minimal
#
# What it does, in order:
#   1. Resolves PKG:i386, libc6:i386, libc-bin:i386 and dash:i386 with apt
#      itself (Depends and Pre-Depends, recursively; no Recommends/Suggests),
#      so virtual packages and "a | b" alternatives are decided exactly the
#      way apt decides them.  Other Essential packages that nothing declares
#      (base-passwd, ...) are NOT added: ls, sort, bash, perl, python3 run
#      without them.  (libc-bin and dash are the exceptions, see below.)
#   2. Downloads the .debs into a cache, and unpacks each with `dpkg -x` into
#      DIR.  Nothing is installed on the host, nothing runs in a chroot and no
#      maintainer script is run.
#   3. Makes DIR look like an installed (merged-/usr) Debian 12: /bin, /sbin,
#      /lib are symlinks to usr/bin, usr/sbin, usr/lib; the alternatives the
#      maintainer scripts would register (awk -> gawk, ...) exist; every
#      absolute symlink is made relative; /etc/ld.so.cache, /etc/passwd,
#      /etc/group, /etc/nsswitch.conf, /tmp, /proc, /dev (null, zero, full
#      when run as root) exist.
#   4. Prints DIR (as an absolute path) on stdout.
# DIR/.make-root/ holds the bookkeeping: packages (name=version, one a line,
# what is unpacked), info/NAME/ (each package's control files), plan.
#
# apt runs with a PRIVATE configuration (APT_CONFIG): its own sources.list,
# lists, dpkg status (empty) and archive cache, all under the cache
# directory, and none of the host's apt.conf.d (whose hooks, e.g. appstream's
# APT::Update::Post-Invoke-Success, would act on the host).  The host's apt
# state is neither read nor written, so no root (and no sudo) is needed.
# The sources are the host's configured Debian bookworm mirrors (from
# /etc/apt/sources.list and /etc/apt/sources.list.d/*.list / *.sources), or
# deb.debian.org when the host has none; the Release files are checked
# against the Debian archive keyring.
#
# Re-running is idempotent and, once the cache holds the lists and .debs,
# offline: a package whose name=version is already in DIR/.make-root/packages
# is not unpacked again, and apt-get update runs only when the cache has no
# lists yet, the sources changed, a package is unknown or a .deb has vanished
# from the mirror (or when MEMSIM_ROOT_UPDATE=1).  Adding packages to an
# existing root is fine; a package whose resolved version changed is unpacked
# over the old one (files the new version dropped stay).
#
# Environment:
#   MEMSIM_ROOT_CACHE    cache directory (apt lists, .debs, private apt
#                        config); default: DIR/../.make-root-cache, so roots
#                        built side by side share it.  Safe to delete.
#   MEMSIM_ROOT_MIRROR   use this Debian mirror URL (e.g.
#                        http://deb.debian.org/debian) for bookworm and
#                        bookworm-updates instead of the host's sources (the
#                        security archive is then not used).
#   MEMSIM_ROOT_KEYRING  keyring for the Release signatures; default
#                        /usr/share/keyrings/debian-archive-keyring.gpg.
#   MEMSIM_ROOT_UPDATE   1: run apt-get update even if the cache has lists.
#   MEMSIM_ROOT_VERBOSE  1: say on stderr what is being done.
#
# Exit status: 0 on success; 2 when the mirror cannot be reached (no network,
# DNS failure, connection refused — lets tests skip with a clear message); 1
# for anything else.  On failure one line on stderr starting "make-root: ";
# apt's full output is in CACHE/log/.
set -Eeuo pipefail

die() {   # die MESSAGE [STATUS]
    echo "make-root: $1" >&2
    exit "${2:-1}"
}
# set -e failures we did not foresee still end with a one-line diagnosis.
# (Only the main shell reports: a failing subshell's status reaches it.)
on_err() {
    [ "$BASHPID" != "$$" ] || echo "make-root: unexpected failure (status $1) at line $2: ${3%%$'\n'*}" >&2
    exit 1
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR
say() { [ "${MEMSIM_ROOT_VERBOSE:-0}" != 1 ] || echo "make-root: $*" >&2; }

[ $# -ge 1 ] || die "usage: make-root.sh DIR [PKG...]"
[ -n "$1" ] || die "DIR is empty"
root=$(realpath -m -- "$1")
shift
[ "$root" != / ] || die "refusing to build a root in /"

for tool in apt-get apt-config dpkg dpkg-deb realpath find tar; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (needs a Debian-like host with apt and dpkg)"
done

# ---- the packages asked for ------------------------------------------------
# "name", "name:i386" or "name=version".  Always libc6 (the dynamic linker
# and libc every dynamic i386 program needs) and libc-bin: Essential, so no
# package declares it, but it has /etc/ld.so.conf, /etc/nsswitch.conf's
# template and the C.UTF-8 locale — with LANG=C.UTF-8 in the environment
# (memsim passes the host's on) and no /usr/lib/locale/C.utf8, perl prints
# five lines of "Setting locale failed" on every run and Python's
# locale.setlocale(LC_ALL, "") raises.  And dash, for /bin/sh: Essential
# too, and what system(3), popen(3) and GNU tar's compressors exec (without
# it they fail with ENOENT; qemu-i386 -L hides that by running the host's).
pkgs=(libc6 libc-bin dash)
for p in "$@"; do
    case "$p" in
        *:i386) p=${p%:i386} ;;
        *:*=*|*:*) die "package $p: only i386 packages (name or name:i386) can go into the root" ;;
    esac
    [[ "$p" =~ ^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$ ]] || die "bad package name: $p"
    pkgs+=("$p")
done

# ---- the root and the cache ------------------------------------------------
meta=$root/.make-root           # make-root's own bookkeeping inside the root
if [ -e "$root" ] && [ ! -d "$meta" ] && [ -n "$(ls -A "$root" 2>/dev/null)" ]; then
    # Unpacking 100 MB of Debian into, say, $HOME by a typo would be bad.
    die "$root exists, is not empty and was not made by make-root.sh"
fi
mkdir -p "$meta/info" || die "cannot create $meta"
touch "$meta/packages"

cache=${MEMSIM_ROOT_CACHE:-$(dirname "$root")/.make-root-cache}
cache=$(realpath -m -- "$cache")
case "$cache" in *'"'*|*\\*) die "cache path must not contain quotes or backslashes: $cache" ;; esac
mkdir -p "$cache"/etc/apt.conf.d "$cache"/etc/preferences.d "$cache"/etc/sources.list.d \
         "$cache"/etc/trusted.gpg.d "$cache"/state/lists/partial \
         "$cache"/cache/archives/partial "$cache"/log || die "cannot create cache $cache"
touch "$cache/state/status"     # empty dpkg status: "nothing installed yet"

# Two runs sharing the cache (parallel tests) or the root wait for each other
# instead of tripping over apt's locks or each other's half-unpacked files.
if command -v flock >/dev/null 2>&1; then
    exec 8>"$cache/lock" 9>"$meta/lock"
    flock 8
    flock 9
fi

keyring=${MEMSIM_ROOT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
[ -r "$keyring" ] || die "no Debian archive keyring at $keyring (install debian-archive-keyring or set MEMSIM_ROOT_KEYRING)"

# ---- sources.list: the host's Debian bookworm mirrors ----------------------
# Entries (one-line or deb822) of type deb for suites bookworm,
# bookworm-updates and bookworm-security, Debian's components only, and not
# signed by some other archive's key — which leaves out third-party
# repositories (their suites/keys differ) and backports.  Architecture
# restrictions (arch=amd64) are dropped: we want i386.
host_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk '
            { sub(/#.*/, "") }
            $1 != "deb" { next }
            {
                i = 2; signed = ""
                if ($2 ~ /^\[/) {                     # [ options ]
                    for (; i <= NF; i++) {
                        o = $i; gsub(/[][]/, "", o)
                        if (o ~ /^signed-by=/) signed = substr(o, 11)
                        if ($i ~ /\]$/) { i++; break }
                    }
                }
                uri = $i; suite = $(i + 1); comps = ""
                for (j = i + 2; j <= NF; j++) comps = comps " " $j
                print uri "\t" suite "\t" signed "\t" comps
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk '
            function flush(   n, m, i, j, U, S) {
                if (F["types"] ~ /(^| )deb( |$)/ && tolower(F["enabled"]) !~ /^ *(no|false)/) {
                    n = split(F["uris"], U, " "); m = split(F["suites"], S, " ")
                    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                        print U[i] "\t" S[j] "\t" F["signed-by"] "\t" F["components"]
                }
                delete F; key = ""
            }
            /^#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ {                                  # continuation line
                if (key == "signed-by") F[key] = "(inline key)"
                else if (key != "") F[key] = F[key] " " $0
                next
            }
            {
                key = tolower(substr($0, 1, index($0, ":") - 1))
                F[key] = substr($0, index($0, ":") + 1)
                gsub(/^[ \t]+|[ \t]+$/, "", F[key])
            }
            END { flush() }' "$f"
    done
}

gen_sources() {
    if [ -n "${MEMSIM_ROOT_MIRROR:-}" ]; then
        printf 'deb [signed-by=%s] %s bookworm main\n' "$keyring" "$MEMSIM_ROOT_MIRROR"
        printf 'deb [signed-by=%s] %s bookworm-updates main\n' "$keyring" "$MEMSIM_ROOT_MIRROR"
        return
    fi
    local lines
    lines=$(host_sources | awk -F '\t' -v key="$keyring" '
        $2 !~ /^bookworm(-updates|-security)?$/ { next }
        $3 != "" && $3 !~ /(^|\/)debian-archive-[^\/]*$/ { next }    # another archive
        $1 ~ /^cdrom:/ { next }
        {
            comps = ""; n = split($4, C, /[ \t]+/)
            for (i = 1; i <= n; i++)
                if (C[i] ~ /^(main|contrib|non-free|non-free-firmware)$/) comps = comps " " C[i]
            if (comps == "") next
            line = "deb [signed-by=" key "] " $1 " " $2 comps
            if (!seen[line]++) print line
        }')
    if grep -q ' bookworm main' <<<"$lines"; then
        printf '%s\n' "$lines"
    else
        # No usable Debian 12 source on the host (e.g. not a Debian host).
        printf 'deb [signed-by=%s] http://deb.debian.org/debian bookworm main\n' "$keyring"
        printf 'deb [signed-by=%s] http://deb.debian.org/debian bookworm-updates main\n' "$keyring"
        printf 'deb [signed-by=%s] http://deb.debian.org/debian-security bookworm-security main\n' "$keyring"
    fi
}
# install_if_changed FILE: FILE.new replaces FILE only if it differs — apt
# rebuilds its binary cache (pkgcache.bin, ~0.5 s) when sources.list is newer.
install_if_changed() {
    if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv -f "$1.new" "$1"; fi
}
gen_sources > "$cache/etc/sources.list.new"
install_if_changed "$cache/etc/sources.list"

# ---- the private apt configuration ------------------------------------------
# APT_CONFIG is read before anything else, and because it moves Dir::Etc the
# host's /etc/apt/apt.conf{,.d} are never read.  Only the host's network
# settings (proxies, timeouts, date checks — apt-config dump shows them in
# apt.conf syntax already) are carried over, so a host behind a proxy works.
{
    cat <<EOF
// Generated by make-root.sh on every run (for the cache in this directory).
Dir::Etc "$cache/etc/";
Dir::Etc::Main "apt.conf";
Dir::State "$cache/state/";
Dir::State::status "$cache/state/status";
Dir::Cache "$cache/cache/";
Dir::Log "$cache/log/";
APT::Architecture "i386";
APT::Architectures { "i386"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::http::Timeout "30";
Acquire::https::Timeout "30";
EOF
    env -u APT_CONFIG apt-config dump 2>/dev/null | grep -E \
        '^Acquire::((https?|ftp|socks5?)::([Pp]roxy|Timeout)[^ ]*|Check-Valid-Until|Check-Date|ForceIPv[46]|Retries) ' || true
} > "$cache/etc/apt.conf.new"
install_if_changed "$cache/etc/apt.conf"
export APT_CONFIG=$cache/etc/apt.conf
# Run as root, apt downloads as the _apt user (it chowns the partial/
# directories itself); when _apt cannot reach the cache (say under /root) apt
# notes so in the log and downloads as root — harmless.  The .debs are
# checked against the hashes in the signed lists.

log=$cache/log
net_re='Could not resolve|Temporary failure resolving|Could not connect|Unable to connect|Connection (timed out|refused|failed)|Network is unreachable|No route to host|Failed to connect|Cannot initiate the connection|timed out'

# first_error LOGFILE: the most telling line of an apt log, for die.
first_error() {
    local re
    for re in '^E: ' '^W: (Failed to fetch|GPG error)' '^Err:'; do
        if grep -qE "$re" "$1"; then grep -E -m1 "$re" "$1" | tr -s ' \t' ' '; return; fi
    done
    tail -n1 "$1"
}

updated_now=0
apt_update() {
    say "apt-get update (private lists in $cache/state)"
    rm -f "$cache/state/updated"
    apt-get update -q >"$log/update.log" 2>&1 || true   # exits 0 even when offline
    updated_now=1
    # apt ignores sources that failed (keeping old lists if any), so judge by
    # what is there: without the bookworm main index nothing can be resolved.
    if ! ls "$cache"/state/lists/*_dists_bookworm_main_binary-i386_Packages* >/dev/null 2>&1; then
        if grep -qE "$net_re" "$log/update.log"; then
            die "cannot reach the Debian mirror: $(first_error "$log/update.log") (log: $log/update.log)" 2
        fi
        die "apt-get update gave no bookworm i386 index: $(first_error "$log/update.log") (log: $log/update.log)"
    fi
    if grep -qE '^(W: Failed to fetch|W: GPG error|E:)' "$log/update.log"; then
        say "some sources failed, using what was fetched: $(first_error "$log/update.log")"
    fi
    cp "$cache/etc/sources.list" "$cache/state/updated"   # stamp: lists match these sources
}

if [ "${MEMSIM_ROOT_UPDATE:-0}" = 1 ] || ! cmp -s "$cache/etc/sources.list" "$cache/state/updated"; then
    apt_update
fi

# ---- resolve: let apt compute the closure (simulated install) ---------------
# With an empty dpkg status apt-get install -s lists every package the
# requested ones need, in unpack order: "Inst NAME (VERSION ORIGIN [ARCH])".
plan=$meta/plan
resolve() {
    local tries=0 virt prov
    while :; do
        if apt-get install -s -q "${pkgs[@]}" >"$log/resolve.log" 2>&1; then
            break
        fi
        tries=$((tries + 1))
        # A virtual package named on the command line with several providers
        # (apt-get install refuses those): take the provider apt would take
        # for a dependency on it (its CompareProviders): Essential first, then
        # Important, then the better Priority, then the order apt lists them.
        virt=$(sed -nE 's/^Package ([^ ]+) is a virtual package provided by:$/\1/p' "$log/resolve.log" | head -n1)
        if [ -n "$virt" ] && [ $tries -lt 10 ]; then
            prov=$(awk -v v="$virt" '
                    $0 ~ "^Package " v " is a virtual" { on = 1; next }
                    on && /^  [^ ]/ { print $1; next }
                    on { exit }' "$log/resolve.log" |
                { n=0; while read -r cand; do
                    n=$((n + 1))
                    apt-cache show --no-all-versions "$cand" 2>/dev/null | awk -v c="$cand" -v n="$n" '
                        /^Essential: yes/ { e = 0 } /^Important: yes/ { i = 0 } /^Priority:/ { p = $2 }
                        BEGIN { e = 1; i = 1 }
                        END {
                            r["required"] = 1; r["important"] = 2; r["standard"] = 3; r["optional"] = 4; r["extra"] = 5
                            printf "%d %d %d %04d %s\n", e, i, (p in r) ? r[p] : 6, n, c
                        }'
                done; } | sort | awk 'NR == 1 { print $5 }')
            if [ -n "$prov" ]; then
                say "$virt is virtual; using $prov"
                local i
                for i in "${!pkgs[@]}"; do [ "${pkgs[$i]}" != "$virt" ] || pkgs[i]=$prov; done
                continue
            fi
        fi
        # Unknown to the cached lists: maybe they are old; update once.
        if [ $updated_now = 0 ] && grep -qE "^E: (Unable to locate package|Package '.*' has no installation candidate|Version '.*' for '.*' was not found)" "$log/resolve.log"; then
            apt_update
            continue
        fi
        die "cannot resolve ${pkgs[*]}: $(first_error "$log/resolve.log") (log: $log/resolve.log)"
    done
    sed -nE 's/^Inst ([^ ]+) (\[[^]]*\] )?\(([^ ]+) .* \[([^]]+)\]\).*$/\1 \3 \4/p' \
        "$log/resolve.log" > "$plan"
    [ -s "$plan" ] || die "apt resolved nothing for ${pkgs[*]} (log: $log/resolve.log)"
}
request="${pkgs[*]}"
# A run asking for exactly what the previous one asked, against the same
# lists, would get the same plan: reuse it and leave apt (0.6 s) out.
plan_key="$request | $(cksum < "$cache/etc/sources.list") | $({ ls -l --time-style=+%s "$cache"/state/lists/*Release 2>/dev/null || true; } | cksum)"
if [ -s "$plan" ] && [ "$(cat "$meta/plan.key" 2>/dev/null)" = "$plan_key" ] && [ $updated_now = 0 ]; then
    say "same request as last time; reusing $plan"
else
    rm -f "$meta/plan.key"
    resolve
fi

# deb_of NAME VERSION ARCH: where apt keeps the .deb (":" in the version is
# stored as %3a).
deb_of() { echo "$cache/cache/archives/${1}_${2//:/%3a}_${3}.deb"; }

# ---- download what the root still lacks -------------------------------------
todo=()
while read -r name ver arch; do
    grep -qxF "$name=$ver" "$meta/packages" || todo+=("$name $ver $arch")
done < "$plan"

need_fetch=0
for t in ${todo[@]+"${todo[@]}"}; do
    read -r name ver arch <<<"$t"
    [ -f "$(deb_of "$name" "$ver" "$arch")" ] || need_fetch=1
done
if [ $need_fetch = 1 ]; then
    say "downloading into $cache/cache/archives"
    # install --download-only fetches the whole closure into Dir::Cache
    # (skipping .debs already there, verified against the signed lists).
    while ! apt-get install -d -y -q "${pkgs[@]}" >"$log/download.log" 2>&1; do
        if grep -qE "$net_re" "$log/download.log"; then
            die "cannot reach the Debian mirror: $(first_error "$log/download.log") (log: $log/download.log)" 2
        fi
        if [ $updated_now = 0 ] && grep -qE '404 +Not Found|Unable to fetch some archives' "$log/download.log"; then
            # The cached lists name a version the mirror has since replaced.
            apt_update
            resolve
            todo=()
            while read -r name ver arch; do
                grep -qxF "$name=$ver" "$meta/packages" || todo+=("$name $ver $arch")
            done < "$plan"
            continue
        fi
        die "download failed: $(first_error "$log/download.log") (log: $log/download.log)"
    done
fi

# ---- unpack -------------------------------------------------------------------
# record NAME VERSION: replace NAME's line in DIR/.make-root/packages, only
# once the package is fully unpacked (an interrupted run unpacks it again).
record() {
    { awk -F= -v n="$1" '$1 != n' "$meta/packages"; echo "$1=$2"; } | sort > "$meta/packages.new"
    mv -f "$meta/packages.new" "$meta/packages"
}
for t in ${todo[@]+"${todo[@]}"}; do
    read -r name ver arch <<<"$t"
    deb=$(deb_of "$name" "$ver" "$arch")
    [ -f "$deb" ] || die "apt did not download $name $ver ($deb missing)"
    say "unpacking $name $ver"
    # dpkg -x replaces the /lib -> usr/lib symlink of an earlier run with a
    # real directory when a package ships ./lib/...; the merge below fixes it.
    dpkg -x "$deb" "$root" || die "dpkg -x $deb failed"
    # Keep the control files (maintainer scripts, for the alternatives).
    rm -rf "$meta/info/$name"
    dpkg-deb -e "$deb" "$meta/info/$name" || die "dpkg-deb -e $deb failed"
    record "$name" "$ver"
done

# The plan is fully unpacked now.
plan_key="$request | $(cksum < "$cache/etc/sources.list") | $({ ls -l --time-style=+%s "$cache"/state/lists/*Release 2>/dev/null || true; } | cksum)"
echo "$plan_key" > "$meta/plan.key"

# ---- merged /usr ----------------------------------------------------------------
# Debian 12 installs have /bin, /sbin, /lib as symlinks into /usr, though
# bookworm's packages still ship files under /lib and /bin (libc6 puts
# ld-linux.so.2 in /lib).  Move such files into usr/ (tar keeps usr/'s own
# symlinks to directories), then put the symlinks in place.
for d in bin sbin lib lib32 lib64 libx32; do
    if [ -d "$root/$d" ] && [ ! -L "$root/$d" ]; then
        mkdir -p "$root/usr/$d"
        tar -C "$root/$d" -cf - . | tar -C "$root/usr/$d" --keep-directory-symlink -xf - \
            || die "cannot merge /$d into /usr/$d"
        rm -rf "${root:?}/$d"
    fi
    case $d in bin|sbin|lib) mkdir -p "$root/usr/$d" ;; esac
    if [ -d "$root/usr/$d" ] && [ ! -e "$root/$d" ] && [ ! -L "$root/$d" ]; then
        ln -s "usr/$d" "$root/$d"
    fi
done

# ---- what dpkg's configure step would have made -------------------------------
# relink LINK TARGET: LINK (a path inside the root) -> TARGET (an absolute path
# inside the root), written as a relative link.  qemu-i386 -L and every host
# tool resolve symlinks on the host, where an absolute target would name the
# HOST's file (ROOT/usr/bin/awk -> /etc/alternatives/awk would run the host's
# amd64 awk); a relative one means the same inside and outside the root.
# The link's directory is taken physically: /lib/cpp really lives in usr/lib,
# so its link to /etc/alternatives/cpp must be ../../etc/..., not ../etc/...
# (every directory symlink in the root is relative by then, so the host's
# realpath resolves it inside the root).
relink() {
    local dir rel
    dir=$(realpath -m -- "$root$(dirname "$1")")
    case "$dir/" in "$root"/*) ;; *) die "symlink $1 would leave the root ($dir)" ;; esac
    rel=$(realpath -m -s --relative-to="$dir" -- "$root$2")
    ln -sfn -- "$rel" "$dir/$(basename "$1")"
}

# Every absolute symlink the packages shipped (/etc/rmt, python3.11's
# sitecustomize.py, ...) becomes relative, for the reason above — first, so
# that the directory symlinks relink resolves are relative ones.
while read -r l; do
    relink "${l#"$root"}" "$(readlink "$l")"
done < <(find "$root" -path "$meta" -prune -o -type l -lname '/*' -print)

# Alternatives: the literal `update-alternatives --install LINK NAME PATH PRIO
# [--slave LINK NAME PATH]...` calls in the postinst scripts (awk/nawk ->
# gawk, which, rmt, ...); for each NAME the highest priority whose PATH was
# unpacked wins, as in update-alternatives' auto mode.  A LINK that is a real
# file is left alone.
for f in "$meta"/info/*/postinst; do
    [ -f "$f" ] || continue
    awk '
        { line = line $0 }
        /\\$/ { sub(/\\$/, "", line); next }
        {
            n = split(line, T, /[ \t;]+/); line = ""
            for (i = 1; i <= n; i++) if (T[i] == "update-alternatives") break
            for (; i <= n; i++) if (T[i] == "--install") break
            if (i > n || T[i + 1] !~ /^\// || T[i + 3] !~ /^\// || T[i + 4] !~ /^[0-9]+$/) next
            if (index(T[i + 1] T[i + 2] T[i + 3], "$") || index(T[i + 1] T[i + 2] T[i + 3], "`")) next
            print "M", T[i + 2], T[i + 1], T[i + 3], T[i + 4]; name = T[i + 2]; path = T[i + 3]
            for (i += 5; i + 3 <= n; i++)
                if (T[i] == "--slave" && T[i + 1] ~ /^\// && T[i + 3] ~ /^\// && T[i + 1] T[i + 3] !~ /[$`]/) {
                    print "S", name, T[i + 1], T[i + 3], path, T[i + 2]; i += 3
                }
        }' "$f"
done > "$meta/alternatives"

declare -A alt_done=()
while read -r _ name link path _; do
    [ -z "${alt_done[$name]:-}" ] || continue          # a higher priority came first
    [ -e "$root$path" ] || continue                     # that package is not here
    [ ! -e "$root/etc/alternatives/$name" ] || [ -L "$root/etc/alternatives/$name" ] || continue
    alt_done[$name]=1
    mkdir -p "$root/etc/alternatives" "$root$(dirname "$link")"
    relink "/etc/alternatives/$name" "$path"
    if [ ! -e "$root$link" ] || [ -L "$root$link" ]; then relink "$link" "/etc/alternatives/$name"; fi
    while read -r sname slink spath; do
        [ -e "$root$spath" ] || continue
        mkdir -p "$root$(dirname "$slink")"
        relink "/etc/alternatives/$sname" "$spath"
        if [ ! -e "$root$slink" ] || [ -L "$root$slink" ]; then relink "$slink" "/etc/alternatives/$sname"; fi
    done < <(awk -v n="$name" -v p="$path" '$1 == "S" && $2 == n && $5 == p { print $6, $3, $4 }' "$meta/alternatives")
done < <(awk '$1 == "M"' "$meta/alternatives" | sort -s -k5,5nr)

# What base-files' and libc-bin's postinst do on a fresh install: /etc/profile,
# root's dot files, /var/run -> /run, /etc/nsswitch.conf.  (Under
# qemu-i386 -L a file missing from the root is taken from the host, e.g.
# bash -l would read the host's /root/.bashrc.)
for f in profile:/etc/profile dot.profile:/root/.profile dot.bashrc:/root/.bashrc; do
    if [ -f "$root/usr/share/base-files/${f%%:*}" ] && [ ! -e "$root${f#*:}" ]; then
        mkdir -p "$root$(dirname "${f#*:}")"
        cp -p "$root/usr/share/base-files/${f%%:*}" "$root${f#*:}"
    fi
done
if [ -f "$root/usr/share/libc-bin/nsswitch.conf" ] && [ ! -e "$root/etc/nsswitch.conf" ]; then
    cp -p "$root/usr/share/libc-bin/nsswitch.conf" "$root/etc/nsswitch.conf"
fi
for v in run:/run lock:/run/lock; do
    if [ -d "$root/var/${v%%:*}" ] && [ ! -L "$root/var/${v%%:*}" ]; then
        if rmdir "$root/var/${v%%:*}" 2>/dev/null; then   # only if empty
            mkdir -p "$root${v#*:}"
            relink "/var/${v%%:*}" "${v#*:}"
        fi
    fi
done

# Directories and account files a program expects; base-files makes the
# directories when it is in the closure, nothing here makes /etc/passwd
# (base-passwd's postinst would), and getpwuid() (ls -l) reads it.
mkdir -p "$root/tmp" "$root/proc" "$root/dev" "$root/etc" "$root/root"
chmod 1777 "$root/tmp"
if [ ! -e "$root/etc/passwd" ]; then
    if [ -f "$root/usr/share/base-passwd/passwd.master" ]; then
        cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
    else
        cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
    fi
fi
if [ ! -e "$root/etc/group" ]; then
    if [ -f "$root/usr/share/base-passwd/group.master" ]; then
        cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
    else
        cat > "$root/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
staff:x:50:
users:x:100:
nogroup:x:65534:
EOF
    fi
fi

# /dev: under --root memsim shows the guest the root's own /dev (read-only)
# and serves null, zero and full itself when it finds their nodes there
# (kernel-model/devfs.c: by major/minor; it never reads the host device).
# perl -e opens /dev/null and dies without it.  No random/urandom/tty: those
# would be the host's devices, and getrandom is the model's (seeded).  Only
# root can make device nodes: otherwise sudo -n if it needs no password, else
# a note (the symlinks need nothing).  qemu-i386 -L uses the host's /dev.
nodev=()
for d in null:3 zero:5 full:7; do
    n=${d%%:*}
    [ ! -e "$root/dev/$n" ] || continue
    if [ "$(id -u)" = 0 ]; then
        mknod -m 666 "$root/dev/$n" c 1 "${d#*:}"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n mknod -m 666 "$root/dev/$n" c 1 "${d#*:}"
    else
        nodev+=("/dev/$n")
    fi
done
[ ${#nodev[@]} = 0 ] || echo "make-root: note: no ${nodev[*]} in the root (mknod needs root; no password-less sudo)" >&2
mkdir -p "$root/dev/pts" "$root/dev/shm"
# bash's <(...) hands out /dev/fd/N.
for l in fd:fd stdin:fd/0 stdout:fd/1 stderr:fd/2; do
    [ -e "$root/dev/${l%%:*}" ] || [ -L "$root/dev/${l%%:*}" ] || ln -s "../proc/self/${l#*:}" "$root/dev/${l%%:*}"
done

# ---- the dynamic linker ---------------------------------------------------------
ld=$root/lib/ld-linux.so.2
[ -f "$ld" ] || die "$ld does not resolve to a file after unpacking libc6"

# /etc/ld.so.cache, as libc-bin's ldconfig trigger would make it.  The root's
# own ldconfig is an i386 program; the host's x86-64 one handles i386
# libraries too (it writes them with the "libc6" flag i386's ld.so looks
# for, and bookworm's cache format is the same on both), but -r chroots,
# which needs root — or a user namespace, where we are root enough.
# Without a cache ld.so still finds the multiarch directories it was built
# with; but under qemu-i386 -L a missing ROOT/etc/ld.so.cache makes the guest
# read the HOST's cache, so it is worth having.
[ -e "$root/etc/ld.so.conf" ] || echo 'include /etc/ld.so.conf.d/*.conf' > "$root/etc/ld.so.conf"
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
[ -x "$ldconfig" ] || ldconfig=/usr/sbin/ldconfig
if [ "$(id -u)" = 0 ]; then
    "$ldconfig" -r "$root" 2>"$log/ldconfig.log" || die "ldconfig -r $root failed: $(head -n1 "$log/ldconfig.log")"
elif command -v unshare >/dev/null 2>&1 && unshare -r "$ldconfig" -r "$root" 2>"$log/ldconfig.log"; then
    :
else
    rm -f "$root/etc/ld.so.cache"
    echo "make-root: note: no /etc/ld.so.cache (ldconfig -r needs root or user namespaces); ld.so searches its default directories" >&2
fi

echo "$root"
