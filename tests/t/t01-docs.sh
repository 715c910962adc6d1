#!/bin/sh
# The documentation stays true to the program: the commands "heapgraph help"
# lists are the ones docs/heapgraph.1 describes and README.md names; every
# long option of cli/cmd-NAME.c is in "heapgraph help NAME" and in the man
# page, and the man page documents no option that does not exist; the man
# page's SYNOPSIS is the usage lines of "heapgraph help"; its ENVIRONMENT is
# the variables the program reads; docs/snapshot-format.md names every key
# export writes; the pictures the Markdown documents show exist; the exit
# codes of common/error.h are the man page's EXIT STATUS; the version in the
# man page's header is "heapgraph --version"; groff renders the page without
# a warning (skipped when groff is not installed).
. "$(dirname "$0")/lib.sh"

man=$T_TOP/docs/heapgraph.1
readme=$T_TOP/README.md

# section NAME: the lines of the man page's ".SH NAME" section.
section() {
	sed -n "/^\.SH \"*$1\"*\$/,/^\.SH /p" "$man" | sed '1d;$d'
}
# items: the first word of each ".TP" tag of a section read on stdin.
items() {
	awk '/^\.TP/ { if ((getline line) > 0) print line }' |
		sed -e 's/^\.[A-Z][A-Z]*[[:space:]]*//' -e 's/^"//' -e 's/\\-/-/g' -e 's/[[:space:]"].*//'
}

if [ ! -f "$man" ] || [ ! -f "$readme" ]; then
	fail "docs/heapgraph.1 or README.md is missing"
	exit 0
fi

# Commands: the lines under "commands:" in "heapgraph help".
"$HEAPGRAPH" help >"$T_OUT/help.out" 2>&1 || fail "heapgraph help exited $?"
sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' "$T_OUT/help.out" >"$T_OUT/commands"
if [ ! -s "$T_OUT/commands" ]; then
	fail "found no commands in 'heapgraph help' output"
fi
section COMMANDS | items >"$T_OUT/man-commands"
while read -r cmd; do
	if grep -qx "$cmd" "$T_OUT/man-commands"; then
		ok "command $cmd is in the man page's COMMANDS"
	else
		fail "command $cmd (heapgraph help) is missing from the man page's COMMANDS"
	fi
	if grep -Eq "heapgraph $cmd([^a-z0-9-]|\$)" "$readme"; then
		ok "command $cmd is in README.md"
	else
		fail "command $cmd (heapgraph help) is not named in README.md as 'heapgraph $cmd'"
	fi
done <"$T_OUT/commands"
while read -r cmd; do
	[ "$cmd" = help ] && continue
	grep -qx "$cmd" "$T_OUT/commands" ||
		fail "the man page describes a command '$cmd' that 'heapgraph help' does not list"
done <"$T_OUT/man-commands"

# Long options: the getopt_long tables of cli/cmd-*.c.  Every command takes
# --help, which "heapgraph help NAME" is, so it is not listed there.
section OPTIONS | items >"$T_OUT/man-options"
[ -s "$T_OUT/man-options" ] || fail "found no options in the man page's OPTIONS"
: >"$T_OUT/options"
for src in "$T_TOP"/cli/cmd-*.c; do
	cmd=$(basename "$src" .c); cmd=${cmd#cmd-}
	"$HEAPGRAPH" help "$cmd" >"$T_OUT/help-$cmd.out" 2>&1 || {
		fail "cli/cmd-$cmd.c exists but 'heapgraph help $cmd' exited $?"
		continue
	}
	sed -n 's/.*{ *"\([a-z][a-z0-9-]*\)", *[a-z]*_argument.*/\1/p' "$src" >"$T_OUT/options-$cmd"
	# the picture commands share their options through cli/picture.h
	if grep -q PICTURE_LONG_OPTIONS "$src"; then
		sed -n 's/.*{ *"\([a-z][a-z0-9-]*\)", *[a-z]*_argument.*/\1/p' "$T_TOP/cli/picture.h" >>"$T_OUT/options-$cmd"
	fi
	[ -s "$T_OUT/options-$cmd" ] || fail "found no long options in cli/cmd-$cmd.c"
	while read -r opt; do
		echo "$opt" >>"$T_OUT/options"
		[ "$opt" = help ] && continue
		if grep -Eq -- "--$opt([^a-z0-9-]|\$)" "$T_OUT/help-$cmd.out"; then
			ok "heapgraph help $cmd lists --$opt"
		else
			fail "--$opt (cli/cmd-$cmd.c) is missing from 'heapgraph help $cmd'"
		fi
		if grep -qx -- "--$opt" "$T_OUT/man-options"; then
			ok "the man page's OPTIONS documents --$opt"
		else
			fail "--$opt (cli/cmd-$cmd.c) is missing from the man page's OPTIONS"
		fi
	done <"$T_OUT/options-$cmd"
done
while read -r opt; do
	case "$opt" in
	--version) "$HEAPGRAPH" --version >/dev/null 2>&1 || fail "the man page documents --version, which fails" ;;
	--*) grep -qx -- "${opt#--}" "$T_OUT/options" ||
		fail "the man page documents $opt, which no cli/cmd-*.c takes" ;;
	*) fail "the man page's OPTIONS has an item '$opt' that is not a long option" ;;
	esac
done <"$T_OUT/man-options"

# Synopses: each usage line of "heapgraph help" and "heapgraph help NAME"
# is a line of the man page's SYNOPSIS, word for word (rendered as text, on
# lines long enough not to wrap), and the SYNOPSIS has no other line.
if command -v groff >/dev/null 2>&1; then
	groff -man -Tascii -rLL=300n -P-cbou "$man" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed -n 's/^[[:space:]]*\(heapgraph.*\)/\1/p' |
		sed 's/[[:space:]]*$//' >"$T_OUT/man-synopsis"
	sed -n -e 's/^usage: //p' -e 's/^       \(heapgraph .*\)/\1/p' "$T_OUT/help.out" >"$T_OUT/usages"
	while read -r cmd; do
		"$HEAPGRAPH" help "$cmd" 2>/dev/null | sed -n 's/^usage: //p'
	done <"$T_OUT/commands" >>"$T_OUT/usages"
	while read -r line; do
		if grep -qxF -- "$line" "$T_OUT/man-synopsis"; then
			ok "the man page's SYNOPSIS has '$line'"
		else
			fail "'$line' (heapgraph help) is not a line of the man page's SYNOPSIS"
		fi
	done <"$T_OUT/usages"
	while read -r line; do
		grep -qxF -- "$line" "$T_OUT/usages" ||
			fail "the man page's SYNOPSIS has '$line', which no 'heapgraph help' usage line says"
	done <"$T_OUT/man-synopsis"
else
	skip "groff is not installed: the man page's SYNOPSIS is not checked"
fi

# Environment: the variables the program reads (getenv; HOME only gives the
# defaults under ~) are the man page's ENVIRONMENT, both ways.
grep -ho 'getenv("[A-Z_][A-Z0-9_]*")' "$T_TOP"/cli/*.c "$T_TOP"/formats/*.c "$T_TOP"/analyzer/*.c \
	"$T_TOP"/render/*.c "$T_TOP"/common/*.c 2>/dev/null |
	sed 's/getenv("\(.*\)")/\1/' | grep -vx HOME | sort -u >"$T_OUT/env"
section ENVIRONMENT | items | sort -u >"$T_OUT/man-env"
if [ ! -s "$T_OUT/env" ]; then
	fail "found no getenv() in the sources"
elif cmp -s "$T_OUT/env" "$T_OUT/man-env"; then
	ok "the man page's ENVIRONMENT lists $(tr '\n' ' ' <"$T_OUT/env")as the program reads"
else
	fail "environment: the program reads $(tr '\n' ' ' <"$T_OUT/env")but the man page's ENVIRONMENT lists $(tr '\n' ' ' <"$T_OUT/man-env")"
fi

# The snapshot format: every key render/snapshot.c writes is in docs/snapshot-format.md.
fmt=$T_TOP/docs/snapshot-format.md
if [ -f "$fmt" ]; then
	sed -n 's/.*json_object_set_new(o, "\([a-z_]*\)".*/\1/p' "$T_TOP/render/snapshot.c" | sort -u >"$T_OUT/snapshot-keys"
	[ -s "$T_OUT/snapshot-keys" ] || fail "found no keys in render/snapshot.c"
	while read -r key; do
		if grep -q "\`$key\`" "$fmt"; then
			ok "docs/snapshot-format.md documents '$key'"
		else
			fail "export writes '$key' (render/snapshot.c), docs/snapshot-format.md does not say what it is"
		fi
	done <"$T_OUT/snapshot-keys"
else
	fail "docs/snapshot-format.md is missing"
fi

# Pictures the Markdown documents show exist.
for md in "$readme" "$T_TOP"/docs/*.md; do
	dir=$(dirname "$md")
	sed -n 's/.*!\[[^]]*\](\([^)]*\)).*/\1/p' "$md" | while read -r img; do
		if [ -f "$dir/$img" ]; then
			ok "$(basename "$md") shows $img, which exists"
		else
			fail "$(basename "$md") shows $img, which does not exist"
		fi
	done
done

# Exit codes: common/error.h against EXIT STATUS, both ways.
sed -n 's/^[[:space:]]*HG_[A-Z]* = \([0-9][0-9]*\),*.*/\1/p' "$T_TOP/common/error.h" | sort -u >"$T_OUT/codes"
section "EXIT STATUS" | items | sort -u >"$T_OUT/man-codes"
codes=$(tr '\n' ' ' <"$T_OUT/codes"); man_codes=$(tr '\n' ' ' <"$T_OUT/man-codes")
if [ ! -s "$T_OUT/codes" ]; then
	fail "found no exit codes in common/error.h"
elif cmp -s "$T_OUT/codes" "$T_OUT/man-codes"; then
	ok "the man page's EXIT STATUS lists exit codes ${codes}as common/error.h"
else
	fail "exit codes: common/error.h has ${codes}but the man page ${man_codes:-none}"
fi

# Version.
version=$("$HEAPGRAPH" --version 2>&1)
man_version=$(sed -n 's/^\.TH .*"\(heapgraph [^"]*\)".*/\1/p' "$T_TOP/docs/heapgraph.1")
if [ -n "$version" ] && [ "$version" = "$man_version" ]; then
	ok "the man page's header says $version"
else
	fail "heapgraph --version says '$version', the man page's .TH '$man_version'"
fi

# The roff source: ASCII only (use escapes), and groff renders it without a warning.
if LC_ALL=C grep -n '[^ -~	]' "$man" >"$T_OUT/nonascii"; then
	fail "docs/heapgraph.1 has non-ASCII bytes (use roff escapes): $(head -1 "$T_OUT/nonascii")"
else
	ok "docs/heapgraph.1 is ASCII"
fi
if command -v groff >/dev/null 2>&1; then
	if groff -man -Tutf8 -ww -z "$man" >"$T_OUT/groff.err" 2>&1 && [ ! -s "$T_OUT/groff.err" ]; then
		ok "groff renders the man page without warnings"
	else
		fail "groff warns about the man page:"; sed 's/^/    /' "$T_OUT/groff.err" | head -5
	fi
else
	skip "groff is not installed: the man page's rendering is not checked"
fi
