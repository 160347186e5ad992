# The inline macro javadoc:TYPE[TEXT] links a guide to the API reference, so
# that a type named in prose is one click from its contract and the browser
# tests can check every such link lands on the type it names.
#
#   javadoc:Spawner[]                                  -> apidocs/dev/safespawn/Spawner.html
#   javadoc:Command.Builder#passFd(int,int)[passFd]    -> .../Command.Builder.html#passFd(int,int)
#   javadoc:dev.safespawn.pool.ProcessPool[]           -> apidocs/dev/safespawn/pool/ProcessPool.html
#
# TYPE without a package is in dev.safespawn; the package is the leading
# lower-case segments. The member after # is javadoc's own anchor (parameter
# types as javadoc writes them). TEXT defaults to the type, or Type.member().
require 'asciidoctor/extensions'

Asciidoctor::Extensions.register do
  inline_macro do
    named :javadoc
    # The text may hold commas, as in passFd(parentFd, childFd): take it whole.
    parse_content_as :text

    process do |parent, target, attrs|
      # Replacements run before macros: give a varargs anchor its three dots back.
      target = target.gsub('&#8230;&#8203;', '...').gsub("\u2026\u200b", '...')
      type_part, member = target.split('#', 2)
      segments = type_part.split('.')
      package = segments.take_while { |s| s =~ /\A[a-z]/ }
      type = segments.drop(package.length)
      raise ArgumentError, "javadoc:#{target}[] names no type" if type.empty?
      package = %w[dev safespawn] if package.empty?
      root = parent.document.attr('javadoc-root', 'apidocs')
      href = "#{root}/#{package.join('/')}/#{type.join('.')}.html"
      href += "##{member}" if member
      text = attrs['text'].to_s.strip
      if text.empty?
        text = type.join('.')
        if member
          name, params = member.split('(', 2)
          text += ".#{name}" + (params.nil? ? '' : (params == ')' ? '()' : '(…)'))
        end
      end
      escaped = text.gsub('&', '&amp;').gsub('<', '&lt;').gsub('>', '&gt;')
      create_anchor parent, "<code>#{escaped}</code>", type: :link, target: href,
                    attributes: { 'role' => 'javadoc' }
    end
  end
end
