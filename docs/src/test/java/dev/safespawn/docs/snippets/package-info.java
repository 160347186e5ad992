/**
 * The code the site shows: each tagged region ({@code // tag::name[]}) is
 * included in a page by Asciidoctor, and {@code SnippetsTest} runs every
 * method here, so no snippet on the site can stop compiling or working
 * unnoticed. Written as a user would write it: public API only.
 */
package dev.safespawn.docs.snippets;
