/** A two-table schema (people linked to teams) shared by the webhook unit tests. */
import type { Table } from '../../protocol/schema.ts'

export const T_PEOPLE = 'tblPeople00000000'
export const T_TEAMS = 'tblTeams000000000'
export const V_ACTIVE = 'viwActive00000000'
export const F = {
  name: 'fldName0000000000',
  status: 'fldStatus00000000',
  tags: 'fldTags0000000000',
  team: 'fldTeam0000000000',
  teamName: 'fldTeamName000000',
  owner: 'fldOwner000000000',
  age: 'fldAge00000000000',
  tName: 'fldTName000000000',
  members: 'fldMembers0000000',
} as const

/** Fresh copies each call, so tests may change them. */
export function testTables(): Table[] {
  return [
    {
      id: T_PEOPLE,
      name: 'People',
      primaryFieldId: F.name,
      fields: [
        { id: F.name, name: 'Name', type: 'singleLineText' },
        {
          id: F.status,
          name: 'Status',
          type: 'singleSelect',
          options: {
            choices: [
              { id: 'selActive00000000', name: 'Active', color: 'blueLight2' },
              { id: 'selPaused00000000', name: 'Paused' },
            ],
          },
        },
        {
          id: F.tags,
          name: 'Tags',
          type: 'multipleSelects',
          options: {
            choices: [
              { id: 'selTagX0000000000', name: 'x', color: 'red' },
              { id: 'selTagY0000000000', name: 'y', color: 'green' },
            ],
          },
        },
        {
          id: F.team,
          name: 'Team',
          type: 'multipleRecordLinks',
          options: { linkedTableId: T_TEAMS, inverseLinkFieldId: F.members },
        },
        {
          id: F.teamName,
          name: 'Team Name',
          type: 'multipleLookupValues',
          options: { recordLinkFieldId: F.team, fieldIdInLinkedTable: F.tName },
        },
        { id: F.owner, name: 'Owner', type: 'singleCollaborator' },
        { id: F.age, name: 'Age', type: 'number' },
      ],
      views: [
        { id: 'viwGrid0000000000', name: 'Grid view', type: 'grid' },
        { id: V_ACTIVE, name: 'Active', type: 'grid' },
      ],
    },
    {
      id: T_TEAMS,
      name: 'Teams',
      primaryFieldId: F.tName,
      fields: [
        { id: F.tName, name: 'Name', type: 'singleLineText' },
        {
          id: F.members,
          name: 'Members',
          type: 'multipleRecordLinks',
          options: { linkedTableId: T_PEOPLE, inverseLinkFieldId: F.team },
        },
      ],
      views: [{ id: 'viwTeamsGrid00000', name: 'Grid view', type: 'grid' }],
    },
  ]
}
