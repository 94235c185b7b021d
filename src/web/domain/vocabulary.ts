/**
 * The choices of the Presence base's select fields the pages offer (as in the seed,
 * src/emulator/seed/presence-words.ts; the generated types check them: a choice that is not an
 * option of its field fails to compile).
 */
import type {
  HostsRegistryFields,
  MembersRegistryFields,
} from '../../protocol/presence.generated.ts'

type Item<T> = T extends readonly (infer U)[] ? U : never

/** Languages (Language, Preferred Host Languages, Languages Spoken). */
export const LANGUAGES: readonly Item<HostsRegistryFields['Languages Spoken']>[] = [
  'English',
  'Spanish',
  'French',
  'German',
  'Portuguese',
  'Japanese',
  'Hindi',
  'Italian',
]

/** Personality Tags. */
export const PERSONALITY_TAGS: readonly Item<HostsRegistryFields['Personality Tags']>[] = [
  'Warm',
  'Direct',
  'Playful',
  'Calm',
  'Curious',
  'Encouraging',
  'Analytical',
  'Empathetic',
]

/** Availability day parts. */
export const DAY_PARTS: readonly Item<HostsRegistryFields['Availability']>[] = [
  'Weekday Mornings',
  'Weekday Afternoons',
  'Weekday Evenings',
  'Weekends',
]

/** Preferred Session Length. */
export const SESSION_LENGTHS: readonly NonNullable<
  MembersRegistryFields['Preferred Session Length']
>[] = ['30 min', '45 min', '60 min']
