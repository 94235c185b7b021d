export * from './errors.ts'
export * from './ids.ts'
export * from './schema.ts'
export * from './records.ts'
export * from './webhooks.ts'
export * from './list-params.ts'
export * from './events.ts'
export * from './mutations.ts'
export * from './write-body.ts'
export type {
  PresenceTables,
  MembersRegistryFields,
  HostsRegistryFields,
  PresenceOperationsFields,
  TemplatesFields,
  HelpDeskPromptsFields,
  LikesFields,
} from './presence.generated.ts'
export * from './comments.ts'
