#!/bin/sh
# Render pages of notice.docx to PNG for the README: LibreOffice to PDF, then pdftoppm.
#   sh docs/render_notice.sh [NOTICE_DOCX] [OUT_PREFIX]
# Debian packages: libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai.
# Machines without the 公文 fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) get free
# look-alikes through a private fontconfig file: serif for 小标宋/仿宋/宋体, sans for 黑体, 楷 for 楷体.
set -eu
DOCX=${1:-outputs/demo/notice.docx}
OUT=${2:-docs/notice-page}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/fonts.conf" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>方正小标宋简体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>楷体_GB2312</family><prefer><family>AR PL UKai CN</family></prefer></alias>
</fontconfig>
XML
FONTCONFIG_FILE="$work/fonts.conf" soffice --headless "-env:UserInstallation=file://$work/profile" \
  --convert-to pdf --outdir "$work" "$DOCX" >/dev/null
pdf="$work/$(basename "$DOCX" .docx).pdf"
pdftoppm -r 80 -png "$pdf" "$OUT"
ls "$OUT"*.png
