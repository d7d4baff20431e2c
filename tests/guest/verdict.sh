# verdict.sh — the case bookkeeping trace-kill.sh and trace-safety.sh share
# (sourced, not run).  A case collects problems, then verdict NAME prints
# PASS or FAIL with them (and the head of NAME.err, the case's stderr) and
# counts it; skip NAME WHY prints SKIP.  The caller sets status before
# expect and reads npass, nfail and nskip at the end.
nfail=0 npass=0 nskip=0 problems=()

problem() { problems+=("$*"); }
verdict() {
    if [ ${#problems[@]} -eq 0 ]; then
        echo "PASS $1"; npass=$((npass + 1))
    else
        echo "FAIL $1"; local p
        for p in "${problems[@]}"; do echo "    $p"; done
        [ -s "$1.err" ] && sed 's/^/    stderr: /' "$1.err" | head -n 5
        nfail=$((nfail + 1))
    fi
    problems=()
}
skip() { echo "SKIP $1: $2"; nskip=$((nskip + 1)); }
expect() { [ "$status" = "$1" ] || problem "exit status $status, expected $1"; }
