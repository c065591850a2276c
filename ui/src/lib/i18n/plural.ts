/** English's two forms of a counted word. */
export const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
