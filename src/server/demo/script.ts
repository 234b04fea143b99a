// The demo data `chatctl serve --demo` seeds: a few people and their conversations, in English
// and in Arabic. The passwords are public (printed at start-up): demo data is for trying chatctl
// out on your own machine, and /health says so (`demo: true`).

export interface DemoUser {
  key: string;
  name: string;
  email: string;
  password: string;
}

export interface DemoConversation {
  between: [string, string];
  /** In order; each line is [sender key, text]. */
  lines: Array<[string, string]>;
}

/** `.test` is reserved (RFC 2606): these addresses can never belong to anyone real. */
export const DEMO_DOMAIN = 'demo.test';

export const DEMO_USERS: readonly DemoUser[] = [
  { key: 'ann', name: 'Ann Lee', email: `ann@${DEMO_DOMAIN}`, password: 'demo-ann-1' },
  { key: 'bob', name: 'Bob Stone', email: `bob@${DEMO_DOMAIN}`, password: 'demo-bob-1' },
  { key: 'omar', name: 'Omar Haddad', email: `omar@${DEMO_DOMAIN}`, password: 'demo-omar-1' },
  { key: 'layla', name: 'Layla Nasser', email: `layla@${DEMO_DOMAIN}`, password: 'demo-layla-1' },
];

/** Seeded in this order, so Ann and Bob's conversation is the newest: first in both their lists. */
export const DEMO_CONVERSATIONS: readonly DemoConversation[] = [
  {
    between: ['omar', 'layla'],
    lines: [
      ['omar', 'مرحبا ليلى! كيف حالك؟'],
      ['layla', 'أهلاً عمر، بخير والحمد لله. وأنت؟'],
      ['omar', 'بخير. هل أرسلتِ التقرير؟'],
      ['layla', 'نعم، أرسلته صباح اليوم.'],
      ['layla', 'أخبرني إذا احتجت أي تعديل.'],
    ],
  },
  {
    between: ['ann', 'omar'],
    lines: [
      ['omar', 'Hello Ann, welcome to the team!'],
      ['ann', 'Thanks Omar! How do you say "good morning" in Arabic?'],
      ['omar', 'صباح الخير'],
      ['ann', 'صباح الخير يا عمر 🙂'],
      ['omar', 'Perfect! شكراً'],
    ],
  },
  {
    between: ['bob', 'layla'],
    lines: [
      ['layla', 'Hi Bob, the Arabic translation of the app is ready for review.'],
      ['bob', 'Thanks Layla, I will look at it today.'],
    ],
  },
  {
    between: ['ann', 'bob'],
    lines: [
      ['bob', 'Hi Ann! Is the new build up on staging?'],
      ['ann', 'Yes, deployed ten minutes ago.'],
      ['ann', 'Release notes are in the usual place.'],
      ['bob', 'Great, I will test the login flow after lunch.'],
      ['bob', 'Can you join the call at 3?'],
    ],
  },
];
