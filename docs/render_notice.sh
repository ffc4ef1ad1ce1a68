#!/bin/sh
# Render the README's pictures of notice.docx: LibreOffice to PDF, then pdftoppm.
#   sh docs/render_notice.sh [NOTICE_DOCX] [OUT_DIR]
# writes OUT_DIR/notice-page-1.png (the first page) and OUT_DIR/notice-attachment-2.png
# (the first page of 附件2). Defaults: outputs/demo/notice.docx (make demo) and docs.
# Debian packages: libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai.
# Machines without the 公文 fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) get free
# look-alikes through a private fontconfig file: serif for 小标宋/仿宋/宋体, sans for 黑体, 楷 for 楷体.
set -eu
DOCX=${1:-outputs/demo/notice.docx}
OUT=${2:-docs}
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
  --convert-to pdf --outdir "$work" "$DOCX" >/dev/null 2>&1
pdf="$work/$(basename "$DOCX" .docx).pdf"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
attachment=""
page=1
while [ "$page" -le "$pages" ]; do
  if [ "$(pdftotext -f "$page" -l "$page" "$pdf" - | head -n 1 | tr -d ' ')" = "附件2" ]; then
    attachment=$page
    break
  fi
  page=$((page + 1))
done
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$pdf" "$OUT/notice-page-1"
if [ -n "$attachment" ]; then
  pdftoppm -r 80 -png -singlefile -f "$attachment" -l "$attachment" "$pdf" "$OUT/notice-attachment-2"
fi
ls "$OUT"/notice-*.png
