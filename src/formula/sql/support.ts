/**
 * SQL support functions the compiled filters call (`airsync_*`), installed by the store's
 * migration 0002. They live beside the compiler so both change together: a compiler change that
 * needs a new or different function adds a `create or replace` here and a store migration that
 * re-runs SQL_SUPPORT_DDL.
 *
 * Invariants:
 * - Every function is IMMUTABLE and PARALLEL SAFE and never raises for any input (bad text,
 *   out-of-range numbers and dates become NULL, NaN or the "unsure" sentinel documented on each).
 * - No user text: the DDL is a constant the compiler's authors wrote.
 * - Names are unqualified: created in, and resolved from, the store's schema (`search_path`),
 *   so isolated stores (a Postgres schema per test) each carry their own copy.
 * - Small helpers are `language sql` without STRICT so the planner inlines them (no call
 *   overhead); ones that parse or loop are `plpgsql` (cheaper than a non-inlined SQL function).
 *
 * JavaScript's rules these reproduce: values.ts (toNumber, numericText, toText), cells.ts (ISO
 * cells via `Date.parse`, which lets a day overflow into the next month: 2024-02-31 is March 2).
 */

/** JavaScript's `String.prototype.trim` whitespace as a Postgres ARE bracket body. */
const WS = String.raw`[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*`
/** values.ts NUMERIC_TEXT (ASCII digits, JS whitespace). */
const JS_NUMERIC = String.raw`^${WS}[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?${WS}$`
/** Numeric text Postgres casts to exactly JS's number without overflow; group 1 is the number. */
const SAFE_NUMERIC = String.raw`^${WS}([+-]?(?:[0-9]{1,200}(?:\.[0-9]{0,200})?|\.[0-9]{1,200})(?:[eE][+-]?[0-9]{1,2})?)${WS}$`
const DATE = String.raw`^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`
const DATE_TIME = String.raw`^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?Z$`
/** An item of a jsonb array that is not a non-empty string. */
const NON_STRING_ITEM = 'strict $[*] ? (@.type() != "string" || @ == "")'

const CELLS = /* sql */ `
-- A string cell's text; NULL for anything else.
create or replace function airsync_text(c jsonb) returns text
language sql immutable parallel safe
as $$ select case when jsonb_typeof(c) = 'string' then c #>> '{}' end $$;

-- A number cell as float8; NULL for anything else.
create or replace function airsync_number(c jsonb) returns float8
language sql immutable parallel safe
as $$ select case when jsonb_typeof(c) = 'number' then (c #>> '{}')::float8 end $$;

-- An ISO date (YYYY-MM-DD, UTC midnight) or datetime (YYYY-MM-DDTHH:MM:SS[.mmm]Z) cell → epoch
-- ms, by arithmetic (a day past the month's end overflows as in JS). NULL when the cell is not a
-- string; NaN (the caller's "unsure": JS's Date.parse decides) for any other text.
create or replace function airsync_iso_ms(c jsonb) returns float8
language plpgsql immutable strict parallel safe as $$
declare
  t text;
  ms float8;
begin
  if jsonb_typeof(c) <> 'string' then return null; end if;
  t := c #>> '{}';
  if length(t) = 10 then
    if t !~ '${DATE}' then return 'NaN'; end if;
  elsif t !~ '${DATE_TIME}' then
    return 'NaN';
  end if;
  ms := ((make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, 1) - date '1970-01-01')
    + substr(t, 9, 2)::int - 1)::float8 * 86400000;
  if length(t) = 10 then return ms; end if;
  return ms + substr(t, 12, 2)::int * 3600000 + substr(t, 15, 2)::int * 60000
    + substr(t, 18, 2)::int * 1000 + coalesce(nullif(substr(t, 21, 3), '')::int, 0);
end $$;

-- A multi-select or lookup cell as a formula list: the jsonb array when it is a non-empty array
-- of non-empty strings (so its joined text is blank exactly when the list is); NULL otherwise.
create or replace function airsync_list(c jsonb) returns jsonb
language sql immutable parallel safe
as $$ select case when jsonb_typeof(c) = 'array' and jsonb_array_length(c) > 0
  and not jsonb_path_exists(c, '${NON_STRING_ITEM}') then c end $$;

-- True for a present cell airsync_list cannot read exactly (not an array, other items).
create or replace function airsync_list_unsure(c jsonb) returns boolean
language sql immutable parallel safe
as $$ select coalesce(jsonb_typeof(c) <> 'array' or jsonb_path_exists(c, '${NON_STRING_ITEM}'),
  false) $$;

-- A text list cell's index key (sql/keyed.ts): its items joined with ', ' when airsync_list
-- reads it exactly, '' for an absent cell or an empty array, NULL for any other shape. Only
-- pg_catalog functions: index builds run with a restricted search_path.
create or replace function airsync_list_key(c jsonb) returns text
language sql immutable parallel safe
as $$ select case when c is null then ''
  when jsonb_typeof(c) <> 'array' or jsonb_path_exists(c, '${NON_STRING_ITEM}') then null
  else array_to_string(array(select jsonb_array_elements_text(c)), ', ') end $$;

-- A list's items as text[] go through a one-column row type: jsonb_populate_record converts a
-- JSON array to an array column in C, several times faster than a per-row subquery.
do $$ begin
  create type airsync_text_list as (items text[]);
exception when duplicate_object then null;
end $$;

-- A list's items joined with sep ('' for NULL), in array order.
create or replace function airsync_join(l jsonb, sep text) returns text
language sql immutable parallel safe
as $$ select coalesce(array_to_string((jsonb_populate_record(null::airsync_text_list,
  jsonb_build_object('items', l))).items, sep), '') $$;
`

const NUMBERS = /* sql */ `
-- values.ts toNumber of a text: NULL stays NULL, whitespace-only is 0, numeric text its number
-- (the forms Postgres casts exactly, see airsync_numeric_unsure), other text NaN.
create or replace function airsync_to_number(t text) returns float8
language sql immutable parallel safe
as $$ select case when t is null then null
  when t ~ '^${WS}$' then 0
  when t ~ '${SAFE_NUMERIC}' then substring(t from '${SAFE_NUMERIC}')::float8
  else 'NaN' end $$;

-- values.ts numericText: the number of a numeric text, else NULL ('' is not numeric).
create or replace function airsync_numeric_text(t text) returns float8
language sql immutable parallel safe
as $$ select case when t ~ '${SAFE_NUMERIC}' then substring(t from '${SAFE_NUMERIC}')::float8 end $$;

-- True for numeric text JS reads but airsync_to_number does not (huge exponents or digit runs).
create or replace function airsync_numeric_unsure(t text) returns boolean
language sql immutable parallel safe
as $$ select coalesce(t ~ '${JS_NUMERIC}' and t !~ '${SAFE_NUMERIC}', false) $$;

-- JavaScript's String(x): Postgres prints the same shortest digits but chooses exponent form
-- from 1e15 and below 1e-4, where JS waits until 1e21 and 1e-7, and pads exponents.
create or replace function airsync_number_text(x float8) returns text
language plpgsql immutable strict parallel safe as $$
declare
  s text := x::text;
  neg boolean;
  digits text;
  e int;
  k int;
  n int;
begin
  if x = 0 then return '0'; end if;
  if strpos(s, 'e') = 0 then return s; end if;
  neg := left(s, 1) = '-';
  if neg then s := substr(s, 2); end if;
  digits := replace(split_part(s, 'e', 1), '.', '');
  e := split_part(s, 'e', 2)::int;
  k := length(digits);
  n := e + 1;
  if k <= n and n <= 21 then s := digits || repeat('0', n - k);
  elsif 0 < n and n <= 21 then s := left(digits, n) || '.' || substr(digits, n + 1);
  elsif -6 < n and n <= 0 then s := '0.' || repeat('0', -n) || digits;
  else
    s := left(digits, 1) || case when k > 1 then '.' || substr(digits, 2) else '' end
      || 'e' || case when e >= 0 then '+' else '-' end || abs(e)::text;
  end if;
  return case when neg then '-' || s else s end;
end $$;

-- functions/numeric.ts shift: x × 10^p through x's shortest decimal text, correctly rounded.
-- NULL when the result would be subnormal (the caller's "unsure").
create or replace function airsync_shift(x float8, p int) returns float8
language plpgsql immutable strict parallel safe as $$
declare
  n numeric;
begin
  if x = 0 then return 0; end if;
  n := x::text::numeric * ('1e' || p)::numeric;
  if abs(n) > 1.7976931348623157e308 then return sign(n) * 'Infinity'::float8; end if;
  if abs(n) < 1e-300 then return null; end if;
  return n::float8;
end $$;

-- ROUND (mode 'n': ties toward +inf), ROUNDUP ('u': away from zero), ROUNDDOWN ('d'), as
-- functions/numeric.ts roundWith. NULL is "unsure" (extreme places or subnormal shifts).
create or replace function airsync_round(x float8, places float8, mode text) returns float8
language plpgsql immutable strict parallel safe as $$
declare
  p int;
  s float8;
begin
  if x = 'NaN' or x = 'Infinity' or x = '-Infinity' then return x; end if;
  if places = 'NaN' or abs(places) > 300 then return null; end if;
  p := trunc(places)::int;
  s := airsync_shift(x, p);
  if s is null then return null; end if;
  if s = 'Infinity' or s = '-Infinity' then return x; end if;
  s := case mode when 'n' then floor(s + 0.5) when 'u' then sign(s) * ceil(abs(s)) else trunc(s) end;
  return airsync_shift(s, -p);
end $$;

-- x % d for integers below 2^53 (exact in both languages); NULL ("unsure") otherwise or d = 0.
create or replace function airsync_mod(x float8, d float8) returns float8
language sql immutable parallel safe
as $$ select case when x = trunc(x) and d = trunc(d) and d <> 0
  and abs(x) < 9007199254740992 and abs(d) < 9007199254740992
  then mod(x::bigint, d::bigint)::float8 end $$;

-- x ^ y for integers with an exact result of at most 2^53; NULL ("unsure") otherwise.
create or replace function airsync_power(x float8, y float8) returns float8
language plpgsql immutable strict parallel safe as $$
declare
  n numeric;
begin
  if x <> trunc(x) or y <> trunc(y) or y < 0 or y > 64 or abs(x) >= 9007199254740992 then
    return null;
  end if;
  n := power(x::bigint::numeric, y::int);
  if abs(n) > 9007199254740992 then return null; end if;
  return n::float8;
end $$;
`

const DATES = /* sql */ `
-- An epoch-ms instant as a UTC timestamp (floor to the millisecond).
create or replace function airsync_utc(ms float8) returns timestamp
language sql immutable parallel safe
as $$ select to_timestamp(floor(ms) / 1000) at time zone 'UTC' $$;

-- The UTC calendar day of an instant.
create or replace function airsync_utc_date(ms float8) returns date
language sql immutable parallel safe
as $$ select date '1970-01-01' + floor(ms / 86400000)::int $$;

-- Milliseconds since the instant's UTC midnight.
create or replace function airsync_ms_of_day(ms float8) returns float8
language sql immutable parallel safe
as $$ select ms - floor(ms / 86400000) * 86400000 $$;

-- JS toISOString of an instant in years 1000-9999.
create or replace function airsync_iso_text(ms float8) returns text
language sql immutable parallel safe
as $$ select to_char(airsync_utc(ms), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
`

/**
 * The DDL of every support function: `create or replace` statements, safe to run again. The
 * store runs it in a migration (store/migrations/0002-formula-functions.ts).
 */
export const SQL_SUPPORT_DDL: string = CELLS + NUMBERS + DATES
