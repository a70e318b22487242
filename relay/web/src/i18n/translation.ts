// The German texts must have exactly the keys of the English ones: a missing or extra key
// fails the type check instead of showing a raw key to a user.
export type Translation<T> = {
  [K in keyof T]: T[K] extends string ? string : Translation<T[K]>;
};
