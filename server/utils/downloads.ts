// Headers of a file download: an ASCII file name for every browser and the exact one (RFC 6266/5987).
import type { H3Event } from 'h3'

export function fileSlug(title: string): string {
  return title.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-').slice(0, 60).toLowerCase() || 'topic'
}

export function sendAsFile(event: H3Event, name: string, contentType: string) {
  setResponseHeaders(event, {
    'content-type': `${contentType}; charset=utf-8`,
    'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'no-store',
  })
}
