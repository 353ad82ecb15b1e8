// The console and inspect() that run inside QuickJS before a /run script (see worker-source.ts).
// Evaluated inside QuickJS before the code: a console, and an inspect() that prints values as
// Node's console does (Map(2) { 'a' => 1 }, [Function: f], [Circular]), within a depth, an item
// count and a character budget. It keeps the built-ins it uses from before the code runs, so that
// code replacing them changes only its own output. No backticks or dollar-braces: this is a template.
export const preludeSource = String.raw`(function (emit, promiseState, maxLogLines, maxLogChars) {
  'use strict'
  const { getPrototypeOf, getOwnPropertyDescriptor, getOwnPropertySymbols, keys: ownKeys, is } = Object
  const { apply } = Reflect
  const { isArray } = Array
  const NError = Error, NPromise = Promise, NMap = Map, NSet = Set, NWeakMap = WeakMap, NWeakSet = WeakSet
  const NDate = Date, NRegExp = RegExp, NArrayBuffer = ArrayBuffer, NDataView = DataView
  const NNumber = Number, NString = String, NBoolean = Boolean
  const FunctionProto = Function.prototype
  const getter = (proto, key) => getOwnPropertyDescriptor(proto, key).get
  const fnSource = FunctionProto.toString, symbolText = Symbol.prototype.toString
  const mapEntries = Map.prototype.entries, setValues = Set.prototype.values
  const mapNext = getPrototypeOf(new Map().entries()).next, setNext = getPrototypeOf(new Set().values()).next
  const mapSize = getter(Map.prototype, 'size'), setSize = getter(Set.prototype, 'size')
  const dateTime = Date.prototype.getTime, dateText = Date.prototype.toISOString, regexpText = RegExp.prototype.toString
  const TypedArrayProto = getPrototypeOf(Uint8Array.prototype)
  const typedLength = getter(TypedArrayProto, 'length'), typedName = getter(TypedArrayProto, Symbol.toStringTag)
  const bufferLength = getter(ArrayBuffer.prototype, 'byteLength')
  const numberValue = Number.prototype.valueOf, stringValue = String.prototype.valueOf, booleanValue = Boolean.prototype.valueOf
  const AsyncFunctionProto = getPrototypeOf(async function () {})
  const GeneratorFunctionProto = getPrototypeOf(function* () {})
  const AsyncGeneratorFunctionProto = getPrototypeOf(async function* () {})
  const MAX_DEPTH = 4, MAX_ITEMS = 100, MAX_HOLES = 10000, BREAK = 76
  const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

  function take(ctx, text) { ctx.left -= text.length; return text }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many) }
  function attempt(fn, fallback) { try { return fn() } catch { return fallback } }

  function quote(s) {
    const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('\x60') ? '\x60' : "'"
    let out = ''
    for (const ch of s) {
      if (ch === q || ch === '\\') out += '\\' + ch
      else if (ch === '\n') out += '\\n'
      else if (ch === '\t') out += '\\t'
      else if (ch === '\r') out += '\\r'
      else if (ch < ' ' || ch === '\x7f') out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0')
      else out += ch
    }
    return q + out + q
  }

  function quoted(ctx, s) {
    if (s.length + 2 <= ctx.left) return take(ctx, quote(s))
    const room = ctx.left > 32 ? ctx.left - 32 : 0
    return take(ctx, quote(s.slice(0, room)) + '... ' + plural(s.length - room, 'more character', 'more characters'))
  }

  function keyText(key) {
    if (typeof key === 'symbol') return '[' + apply(symbolText, key, []) + ']'
    if (key.length > 200) return quote(key.slice(0, 200)) + '...'
    return IDENTIFIER.test(key) ? key : quote(key)
  }

  function constructorName(value) {
    let proto = getPrototypeOf(value)
    for (let i = 0; proto !== null && i < 100; i++, proto = getPrototypeOf(proto)) {
      const ctor = getOwnPropertyDescriptor(proto, 'constructor')
      if (ctor && typeof ctor.value === 'function') {
        const name = getOwnPropertyDescriptor(ctor.value, 'name')
        return name && typeof name.value === 'string' ? name.value : ''
      }
    }
    return null
  }

  function wrap(open, parts, close, depth, pack) {
    if (!parts.length) return open + close
    const indent = '  '.repeat(depth)
    const single = open + ' ' + parts.join(', ') + ' ' + close
    if (indent.length + single.length <= BREAK && !parts.some(p => p.includes('\n'))) return single
    const pad = '\n' + indent + '  '
    const entries = parts[parts.length - 1].startsWith('... ') ? parts.slice(0, -1) : parts
    if (pack && entries.length > 6 && entries.every(p => p.length <= 16 && !p.includes('\n'))) {
      const lines = []
      let line = ''
      for (const part of entries) {
        if (line && indent.length + line.length + part.length + 4 > BREAK) { lines.push(line + ','); line = part }
        else line = line ? line + ', ' + part : part
      }
      lines.push(line + (entries.length < parts.length ? ',' : ''))
      if (entries.length < parts.length) lines.push(parts[parts.length - 1])
      return open + pad + lines.join(pad) + '\n' + indent + close
    }
    return open + pad + parts.join(',' + pad) + '\n' + indent + close
  }

  function more(parts, rest, one, many) {
    if (rest > 0) parts.push('... ' + plural(rest, one, many))
    return parts
  }

  function arrayParts(value, length, ctx, depth) {
    const parts = []
    let i = 0
    while (i < length && parts.length < MAX_ITEMS && ctx.left > 0) {
      if (i in value) { parts.push(format(value[i], ctx, depth + 1, true)); ctx.left -= 2; i++; continue }
      let end = i
      while (end < length && end - i < MAX_HOLES && !(end in value)) end++
      if (end - i >= MAX_HOLES) break
      parts.push(take(ctx, '<' + plural(end - i, 'empty item', 'empty items') + '>'))
      i = end
    }
    return more(parts, length - i, 'more item', 'more items')
  }

  function collectionParts(iterator, next, size, pair, ctx, depth) {
    const parts = []
    for (let step = apply(next, iterator, []); !step.done; step = apply(next, iterator, [])) {
      if (parts.length >= MAX_ITEMS || ctx.left <= 0) break
      const entry = step.value
      parts.push(pair ? format(entry[0], ctx, depth + 1, true) + ' => ' + format(entry[1], ctx, depth + 1, true) : format(entry, ctx, depth + 1, true))
      ctx.left -= 2
    }
    return more(parts, size - parts.length, 'more item', 'more items')
  }

  function propertyParts(value, ctx, depth) {
    const keys = ownKeys(value).concat(getOwnPropertySymbols(value).filter(s => attempt(() => getOwnPropertyDescriptor(value, s).enumerable, false)))
    const parts = []
    for (let k = 0; k < keys.length && parts.length < MAX_ITEMS && ctx.left > 0; k++) {
      const desc = getOwnPropertyDescriptor(value, keys[k])
      if (!desc) continue
      const shown = desc.get ? (desc.set ? '[Getter/Setter]' : '[Getter]') : desc.set ? '[Setter]' : format(desc.value, ctx, depth + 1, true)
      parts.push(take(ctx, keyText(keys[k])) + ': ' + shown)
      ctx.left -= 2
    }
    return more(parts, keys.length - parts.length, 'more property', 'more properties')
  }

  function errorHead(error) {
    const name = attempt(() => error.name, '')
    const message = attempt(() => error.message, '')
    const head = typeof name === 'string' && name ? name : 'Error'
    return typeof message === 'string' && message ? head + ': ' + message : head
  }

  function functionBase(fn) {
    const name = attempt(() => getOwnPropertyDescriptor(fn, 'name').value, '')
    const label = typeof name === 'string' && name ? name : ''
    const proto = getPrototypeOf(fn)
    if (attempt(() => apply(fnSource, fn, []).slice(0, 6), '') === 'class ') {
      const parent = proto && proto !== FunctionProto ? attempt(() => getOwnPropertyDescriptor(proto, 'name').value, '') : ''
      return '[class ' + (label || '(anonymous)') + (parent ? ' extends ' + parent : '') + ']'
    }
    const kind = proto === AsyncFunctionProto ? 'AsyncFunction' : proto === GeneratorFunctionProto ? 'GeneratorFunction'
      : proto === AsyncGeneratorFunctionProto ? 'AsyncGeneratorFunction' : 'Function'
    return '[' + kind + (label ? ': ' + label : ' (anonymous)') + ']'
  }

  // Values that print as one piece of text, or null.
  function leaf(value) {
    if (value instanceof NDate) { const time = apply(dateTime, value, []); return time === time ? apply(dateText, value, []) : 'Invalid Date' }
    if (value instanceof NRegExp) return apply(regexpText, value, [])
    if (value instanceof NWeakMap || value instanceof NWeakSet) return (value instanceof NWeakMap ? 'WeakMap' : 'WeakSet') + ' { <items unknown> }'
    if (value instanceof NArrayBuffer) return 'ArrayBuffer { byteLength: ' + apply(bufferLength, value, []) + ' }'
    if (value instanceof NNumber) return '[Number: ' + formatNumber(apply(numberValue, value, [])) + ']'
    if (value instanceof NString) return '[String: ' + quote(apply(stringValue, value, []).slice(0, 200)) + ']'
    if (value instanceof NBoolean) return '[Boolean: ' + apply(booleanValue, value, []) + ']'
    return null
  }

  function formatNumber(n) { return is(n, -0) ? '-0' : NString(n) }

  // An object as a container: its opening, its entries and how to pack them.
  function container(value, ctx, depth) {
    if (isArray(value)) {
      const name = constructorName(value)
      const length = value.length
      return [name && name !== 'Array' ? name + '(' + length + ') [' : '[', arrayParts(value, length, ctx, depth), ']', true]
    }
    if (ArrayBuffer.isView(value) && !(value instanceof NDataView)) {
      const length = apply(typedLength, value, [])
      return [apply(typedName, value, []) + '(' + length + ') [', arrayParts(value, length, ctx, depth), ']', true]
    }
    if (value instanceof NMap) {
      const size = apply(mapSize, value, [])
      return ['Map(' + size + ') {', collectionParts(apply(mapEntries, value, []), mapNext, size, true, ctx, depth), '}', false]
    }
    if (value instanceof NSet) {
      const size = apply(setSize, value, [])
      return ['Set(' + size + ') {', collectionParts(apply(setValues, value, []), setNext, size, false, ctx, depth), '}', true]
    }
    if (value instanceof NPromise) {
      const state = promiseState(value)
      const shown = state[0] === 'fulfilled' ? format(state[1], ctx, depth + 1, true)
        : state[0] === 'rejected' ? '<rejected> ' + format(state[1], ctx, depth + 1, true) : '<' + state[0] + '>'
      return ['Promise {', [shown], '}', false]
    }
    const name = constructorName(value)
    const tag = attempt(() => value[Symbol.toStringTag], '')
    let prefix = name === null ? '[Object: null prototype] ' : name && name !== 'Object' ? name + ' ' : ''
    if (typeof tag === 'string' && tag && tag !== name) prefix = (name || 'Object') + ' [' + tag + '] '
    return [prefix + '{', propertyParts(value, ctx, depth), '}', false]
  }

  function shortName(value) {
    if (isArray(value)) return '[Array]'
    const name = constructorName(value)
    return '[' + (name || 'Object') + ']'
  }

  function formatObject(value, ctx, depth) {
    if (ctx.stack.includes(value)) return take(ctx, '[Circular]')
    const single = leaf(value)
    if (single !== null) return take(ctx, single)
    const isError = value instanceof NError
    const isFunction = typeof value === 'function'
    const base = isError ? (depth ? '[' + errorHead(value) + ']' : errorHead(value)) : isFunction ? functionBase(value) : ''
    if (base && (depth > MAX_DEPTH || !ownKeys(value).length)) return take(ctx, base)
    if (depth > MAX_DEPTH) return take(ctx, shortName(value))
    ctx.stack.push(value)
    try {
      if (base) return wrap(take(ctx, base) + ' {', propertyParts(value, ctx, depth), '}', depth, false)
      const [open, parts, close, pack] = container(value, ctx, depth)
      take(ctx, open)
      return wrap(open, parts, close, depth, pack)
    }
    finally { ctx.stack.pop() }
  }

  function format(value, ctx, depth, nested) {
    if (ctx.left <= 0) return '...'
    switch (typeof value) {
      case 'string': return nested ? quoted(ctx, value) : take(ctx, value.length > ctx.left ? value.slice(0, ctx.left) : value)
      case 'number': return take(ctx, formatNumber(value))
      case 'bigint': return take(ctx, value + 'n')
      case 'boolean': return take(ctx, value ? 'true' : 'false')
      case 'undefined': return take(ctx, 'undefined')
      case 'symbol': return take(ctx, apply(symbolText, value, []))
    }
    if (value === null) return take(ctx, 'null')
    return formatObject(value, ctx, depth)
  }

  function cut(text, budget) { return text.length > budget ? text.slice(0, budget) : text }

  /** One value: 'value' quotes a string as a REPL does; 'log' prints it as console.log does. */
  function inspect(value, mode, budget) {
    return cut(format(value, { left: budget, stack: [] }, 0, mode === 'value'), budget)
  }

  // console.log's format string: %s %d %i %f %j %o %O %c %%.
  function substitute(template, args, ctx) {
    let out = '', from = 0, next = 1
    for (let i = template.indexOf('%'); i >= 0 && i < template.length - 1 && ctx.left > 0; i = template.indexOf('%', i + 1)) {
      const c = template[i + 1]
      let piece
      if (c === '%') piece = '%'
      else if (next >= args.length || !'sdifjoOc'.includes(c)) continue
      else {
        const arg = args[next++]
        if (c === 's') piece = typeof arg === 'string' ? arg : typeof arg === 'bigint' ? arg + 'n' : typeof arg === 'number' ? formatNumber(arg) : typeof arg === 'symbol' || (typeof arg === 'object' && arg !== null) || typeof arg === 'function' ? format(arg, ctx, 1, true) : NString(arg)
        else if (c === 'd' || c === 'i') piece = typeof arg === 'bigint' ? arg + 'n' : typeof arg === 'symbol' ? 'NaN' : formatNumber(c === 'd' ? NNumber(arg) : parseInt(arg))
        else if (c === 'f') piece = typeof arg === 'symbol' ? 'NaN' : formatNumber(parseFloat(arg))
        else if (c === 'j') piece = attempt(() => NString(JSON.stringify(arg)), '[Circular]')
        else if (c === 'c') piece = ''
        else piece = format(arg, ctx, 0, true)
      }
      out += template.slice(from, i) + piece
      ctx.left -= piece.length
      from = i + 2
      i++
    }
    return { text: out + template.slice(from), used: next }
  }

  function formatArgs(args, budget) {
    const ctx = { left: budget, stack: [] }
    let start = 0, head = ''
    if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
      const done = substitute(args[0], args, ctx)
      head = done.text
      start = done.used
    }
    const rest = []
    for (let i = start; i < args.length && ctx.left > 0; i++) rest.push(format(args[i], ctx, 0, false))
    return cut(start ? [head].concat(rest).join(' ') : rest.join(' '), budget)
  }

  let linesLeft = maxLogLines, charsLeft = maxLogChars
  function print(level, text) {
    linesLeft--
    charsLeft -= text.length
    emit(level, text)
  }
  function log(level, args) { if (linesLeft > 0 && charsLeft > 0) print(level, formatArgs(args, charsLeft)) }

  const console = {
    log(...args) { log('log', args) },
    info(...args) { log('info', args) },
    warn(...args) { log('warn', args) },
    error(...args) { log('error', args) },
    debug(...args) { log('debug', args) },
    dir(value) { if (linesLeft > 0 && charsLeft > 0) print('log', inspect(value, 'value', charsLeft)) },
    assert(ok, ...args) { if (!ok) log('error', ['Assertion failed' + (args.length ? ':' : '')].concat(args)) },
  }
  Object.defineProperty(globalThis, 'console', { value: console, writable: true, configurable: true, enumerable: false })

  /** What a thrown value says: "TypeError: bad value" for an error, "Uncaught 'text'" for anything else. */
  function describeThrown(value, budget) {
    return value instanceof NError ? cut(errorHead(value), budget) : 'Uncaught ' + inspect(value, 'value', budget)
  }

  return { inspect, describeThrown }
})`
