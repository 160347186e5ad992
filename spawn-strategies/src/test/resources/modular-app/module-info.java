// A user's modular application: it requires the strategies module and reaches
// the API through it (requires transitive).
module app {
    requires dev.safespawn.strategies;
}
