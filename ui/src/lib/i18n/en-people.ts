// English strings for people, rooms and notification settings: a part of
// the English dictionary (en.ts spreads it in), cut out by subject.

import { plural } from './plural';

export const enPeople = {
  /** The people list in the sidebar, and suggestions of people elsewhere. */
  people: {
    /** The sidebar's two tabs. */
    tabs: 'Show',
    conversationsTab: 'Chats',
    tab: 'People',
    title: 'People',
    search: 'Search people',
    empty: 'Nobody yet. People show here once you see them online, share a room or chat with them.',
    noMatch: 'Nobody matches.',
    /** A member or chat peer whose presence was never heard. */
    neverSeen: 'Offline · never seen online',
    startChat: (user: string) => `Chat with ${user}`,
    count: (n: number) => `${n} ${plural(n, 'person', 'people')}`,
    suggestions: 'Suggestions',
  },
  /** A room's details (from its chat header). */
  rooms: {
    details: 'Room details',
    close: 'Close',
    name: 'Name',
    topic: 'Topic',
    infoHint: 'Every member sees the name and topic. A blank field leaves it as it is.',
    save: 'Save',
    saved: 'Saved.',
    saveFailed: 'The room was not changed',
    unchanged: 'Change the name or the topic first.',
    members: (n: number) => `Members (${n})`,
    you: 'you',
    invite: 'Invite…',
    inviteUser: 'Who to invite (user id)',
    inviteSend: 'Send invitation',
    inviteCancel: 'Cancel',
    /** The message sent to the person invited, in their direct chat. */
    inviteText: (room: string, link: string) => `Join #${room} in Tether: ${link}`,
    invited: (user: string) => `Invitation sent to ${user}.`,
    inviteFailed: 'The invitation was not sent',
    alreadyMember: (user: string) => `${user} is already in this room.`,
    leave: 'Leave room',
  },
  /** Tether's own links in messages: invitations to rooms and links to messages. */
  appLinks: {
    join: (room: string) => `Join #${room}`,
    joinHint: (room: string) => `Join the room #${room} in Tether`,
    openRoom: (room: string) => `Open #${room}`,
    joinFailed: 'The room could not be joined',
    message: 'Open message',
    messageHint: 'Show the linked message',
    notFound: 'The linked message is not on this computer.',
  },
  mentions: {
    label: 'People to mention',
    member: 'in this room',
  },
  notify: {
    button: 'Notifications',
    menu: 'Notifications for this conversation',
    all: 'All messages',
    mentions: 'Only @mentions',
    muteHour: 'Mute for 1 hour',
    muteTomorrow: 'Mute until tomorrow',
    muteAlways: 'Mute always',
    muteMentions: 'Also mute @mentions',
    /** The bell's state. */
    muted: 'Muted',
    mutedUntil: (when: string) => `Muted until ${when}`,
    failed: 'The notification setting was not changed',
    /** The settings menu. */
    dnd: 'Do not disturb',
    dndOff: 'Off',
    dndHour: 'For 1 hour',
    dndTomorrow: 'Until tomorrow',
    dndForever: 'Until I turn it off',
    dndOn: 'On until you turn it off',
    dndUntil: (when: string) => `On until ${when}`,
    hideText: 'Hide message text in notifications',
  },
};
